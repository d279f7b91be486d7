package page

// BackpackText is the text of the learner's pages (the backpack, a
// credential, import, account and the public share page) in each
// language. The verification checks reuse the verify page's words
// (VerifyText), so both pages say a result alike.
var BackpackText = map[string]map[string]string{
	"en": {
		"language": "Nederlands", "otherLang": "nl", "skip": "Skip to content", "nav": "Backpack",
		"navBackpack": "My credentials", "institutionUnknown": "The institution", "navImport": "Import", "navAccount": "Account and privacy", "signOut": "Sign out",
		"footer": "badged: Open Badges 3.0 credentials that you own.",

		"backpackTitle": "My credentials",
		"backpackIntro": "Every credential issued to you, and those you imported. Open one to see what it means, share it or download it.",
		"filters":       "Filter credentials", "filterText": "Search", "filterIssuer": "Issuer", "filterState": "State",
		"anyIssuer": "All issuers", "anyState": "All states", "filterApply": "Filter", "filterClear": "Clear filters",
		"stateIssued": "Valid", "stateRevoked": "Revoked", "stateExpired": "Expired", "stateInvalid": "Not valid",
		"stateSuspended": "Suspended", "stateUnchecked": "Could not be checked right now",
		"stateSuspendedText": VerifyText["en"]["result.suspendedText"], // one wording, the verify page's
		"stateUncheckedText": "This credential could not be fully checked right now: its issuer's key or revocation list could not be fetched. Nothing was found against it; it will be checked again later.",
		"stateRevokedText":   VerifyText["en"]["result.revokedText"],
		"stateExpiredText":   "Expired: it was valid until the date it names.",
		"stateInvalidText":   "This credential does not verify now; see the checks below.",
		"none":               "You have no credentials yet.", "noneMatch": "No credential matches these filters.",
		"countOne": "1 credential", "countMany": "credentials",
		"issued": "Issued", "validUntil": "Valid until", "issuedBy": "Issued by", "public": "Public", "private": "Private",
		"imported": "Imported",

		"pendingTitle":  "Waiting for you",
		"pendingIntro":  "An institution awarded you these badges. Claim one to receive the credential, or reject it.",
		"claimBy":       "Claim before",
		"awardedBy":     "Awarded by",
		"termsHeading":  "Terms",
		"termsAccept":   "I accept these terms",
		"termsRequired": "Tick the box to accept the terms before you claim the badge.",
		"termsChanged":  "The terms changed while you were reading them. Read them again and accept the new version.",
		"claim":         "Claim", "reject": "Reject",
		"claimed":  "Claimed: the credential is in your backpack.",
		"rejected": "Rejected: the award is gone from your list.",

		"requestsTitle": "My requests", "requestsIntro": "Badges you asked for. Staff of the institution decide.",
		"requestWaiting": "Waiting for a decision", "requestDenied": "Denied", "requested": "Requested", "reason": "Reason",

		"collectionsTitle": "Collections", "collectionsNone": "You have no collections.",

		"meaningTitle": "What it means", "description": "Description", "criteria": "How it was earned", "criteriaLink": "Criteria",
		"ects": "ECTS credits", "eqf": "EQF level", "nlqf": "NLQF level", "studyLoad": "Study load", "hours": "hours",
		"timeInvestment":  "Time investment",
		"learningOutcome": "Learning outcome", "alignments": "Aligned with", "evidence": "Evidence", "grade": "Grade",
		"achievementType": "Kind", "inLanguage": "Language", "tags": "Tags", "microcredential": "Microcredential",
		"yes": "yes", "issuerSite": "Website",

		"verificationTitle": "Verification, now",
		"checkedNow":        "Checked just now, live: the signature, the issuer, the dates and whether it was revoked.",

		"shareTitle":       "Share",
		"shareIsPublic":    "This credential is public.",
		"shareIsPrivate":   "This credential is private: only you can see it.",
		"sharePublicText":  "If you make it public, anyone with its link can see its name, image, issuer, date and what it means, check that it is genuine, and download the signed credential. The credential identifies you only as its issuer wrote it (your wallet's identifier and a salted hash of your email address, and your name if the issuer included it). Nothing else of your account becomes public, and you can make it private again at any time.",
		"shareMakePublic":  "Make public",
		"shareMakePrivate": "Make private",
		"shareLink":        "Public link",
		"shareOpen":        "Open the public page",
		"qrAlt":            "QR code of the public link",
		"qrSVG":            "QR code as SVG",
		"linkedIn":         "Add to LinkedIn profile",
		"linkedInHelp":     "Opens LinkedIn with the name, issuer, date and public link of this credential filled in.",
		"sharedPublic":     "The credential is public now.",
		"sharedPrivate":    "The credential is private now.",

		"downloadsTitle": "Download", "downloadJSON": "JSON-LD (.json)", "downloadJWT": "VC-JWT (.jwt)",
		"downloadPNG": "Badge image with the credential baked in (PNG)", "downloadSVG": "Badge image with the credential baked in (SVG)",
		"noJWT": "No VC-JWT: the issuer signed this credential as JSON-LD, and only the issuer could sign it in another form.",

		"presentTitle": "Present to a verifier",
		"presentIntro": "A verifier who asks for proof gives you a challenge (and often a domain). Your presentation is signed with your wallet's key and is valid only for that challenge.",
		"challenge":    "Challenge", "domain": "Domain (optional)", "present": "Create presentation",
		"presentationLink": "Presentation link", "presentationQR": "QR code of the presentation link",
		"presentationExpires": "The link works until",

		"importTitle":        "Import a credential",
		"importIntro":        "Bring in an Open Badges 3.0 credential issued to you elsewhere. It is verified first: a credential that does not verify, or that was issued to someone else, is refused, with the Reason.",
		"importPaste":        "Paste the credential (JSON) or its JWT",
		"importFile":         "Or upload a file (JSON, JWT, or a PNG or SVG badge image with the credential baked in)",
		"importURL":          "Or give the https address of the credential",
		"importSubmit":       "Verify and import",
		"importRefused":      "The credential was not imported.",
		"importEmpty":        "Paste a credential, choose a file or give an address first.",
		"importTooLarge":     "The file is too large: the limit is %s.",
		"importFetch":        "The credential could not be fetched.",
		"importNotHTTPS":     "Give the https address of the credential (one that starts with https://).",
		"importPresentation": "This is a presentation, not a credential: import the credentials it carries one by one.",
		"importInvalid":      "It does not verify: at least one check failed.",
		"importUnchecked":    "It could not be fully checked right now, so it was not imported. Nothing was found against it; try again later.",
		"importDone":         "Imported: the credential verified and is in your backpack.",

		"importNotHolder": "This credential was issued to someone else: it names neither your wallet nor any of your verified email addresses, eduID or institution accounts. Only credentials issued to you can be kept in your backpack.",

		"revokeReason":       "The issuer's reason:",
		"shareNotCounting":   "It no longer counts, and its public page says so to anyone who opens the link: it is not shown as valid, and it cannot be added to a LinkedIn profile. You can make it private.",
		"presentNotCounting": "It no longer counts, so it cannot be presented to a verifier.",

		"accountTitle":  "Account and privacy",
		"accountPublic": "What is public", "accountPublicNone": "Nothing: all your credentials are private.",
		"accountPublicIntro": "These credentials are public; anyone with their link can see them.",
		"accountIdentity":    "Your account", "name": "Name", "emails": "Email addresses", "walletDID": "Wallet identifier (DID)",
		"noWallet":    "Not created yet: it is made when you first claim a badge or present a credential.",
		"exportTitle": "Export", "exportIntro": "Download everything badged holds about you, with every credential, as one ZIP archive.",
		"exportLink":  "Download my data (ZIP)",
		"deleteTitle": "Delete my account", "deleteStart": "Delete my account…",
		"deleteConfirmTitle":    "Delete your account?",
		"deleteConfirm":         "I understand: my account and my data are deleted for good",
		"deleteConfirmRequired": "Tick the box to confirm.",
		"deleteButton":          "Delete my account for good", "cancel": "Cancel",
		"deletedTitle": "Your account is deleted",
		"deletedText":  "Your personal data is gone from badged. Credentials you already downloaded still verify until their issuer revokes them.",

		"homeTitle": "Open Badges you own", "homeIntro": "badged keeps the Open Badges 3.0 credentials institutions award: every badge is a verifiable credential, signed by its institution, that its holder keeps for life and anyone can check.",
		"homeLogin": "Sign in", "homeLoginText": "to your backpack: claim the badges waiting for you, share them, take them to your own wallet.",
		"homeCatalogue": "Catalogue", "homeCatalogueText": "of the badges institutions award, and how to earn them.",
		"homeVerify": "Verify a credential", "homeVerifyText": "someone showed you: paste it, upload it or give its link.",
		"errorTitle": "Something went wrong", "notFoundTitle": "Not found",
		"internalText":          "Something went wrong on our side. Try again later; if it happens again, give us the request ID.",
		"methodNotAllowedTitle": "Not possible here", "methodNotAllowedText": "This address cannot be used this way.",
		"forbiddenTitle": "Not allowed", "crossOriginText": "A form of another site may not make changes here. Use the pages of this site.",
		"homeLink":      "To the home page",
		"tooLargeTitle": "Too large", "tooLargeText": "What you sent is larger than badged accepts: the limit is %s. Choose a smaller file.",
		"tryAgain":     "Try again",
		"tooManyTitle": "Too many requests", "tooManyText": "Too many requests came from your address. Try again in %s.",
		"busyTitle": "Busy", "busyText": "badged is checking as many credentials as it can right now. Try again in %s.",
		"notFoundText": "There is nothing here. A credential's public page disappears when its owner makes it private.",
		"back":         "Back to my credentials",

		"shareVerify": "Verify it yourself", "sharedBy": "A credential shared by its holder",
		"shareAbout":    "This page shows a credential its holder chose to make public, with the result of checking it just now.",
		"shareDownload": "Download the credential",
	},
	"nl": {
		"language": "English", "otherLang": "en", "skip": "Naar de inhoud", "nav": "Rugzak",
		"navBackpack": "Mijn credentials", "institutionUnknown": "De instelling", "navImport": "Importeren", "navAccount": "Account en privacy", "signOut": "Afmelden",
		"footer": "badged: Open Badges 3.0-credentials die van u zijn.",

		"backpackTitle": "Mijn credentials",
		"backpackIntro": "Elk credential dat aan u is uitgegeven, en de credentials die u importeerde. Open er een om te zien wat het betekent, om het te delen of te downloaden.",
		"filters":       "Credentials filteren", "filterText": "Zoeken", "filterIssuer": "Uitgever", "filterState": "Status",
		"anyIssuer": "Alle uitgevers", "anyState": "Alle statussen", "filterApply": "Filteren", "filterClear": "Filters wissen",
		"stateIssued": "Geldig", "stateRevoked": "Ingetrokken", "stateExpired": "Verlopen", "stateInvalid": "Niet geldig",
		"stateSuspended": "Opgeschort", "stateUnchecked": "Kon nu niet worden gecontroleerd",
		"stateSuspendedText": VerifyText["nl"]["result.suspendedText"],
		"stateUncheckedText": "Dit credential kon nu niet volledig worden gecontroleerd: de sleutel of de intrekkingslijst van de uitgever kon niet worden opgehaald. Er is niets tegen gevonden; het wordt later opnieuw gecontroleerd.",
		"stateRevokedText":   VerifyText["nl"]["result.revokedText"],
		"stateExpiredText":   "Verlopen: het was geldig tot de datum die het noemt.",
		"stateInvalidText":   "Dit credential is nu niet geldig; zie de controles hieronder.",
		"none":               "U hebt nog geen credentials.", "noneMatch": "Geen credential past bij deze filters.",
		"countOne": "1 credential", "countMany": "credentials",
		"issued": "Uitgegeven", "validUntil": "Geldig tot", "issuedBy": "Uitgegeven door", "public": "Openbaar", "private": "Privé",
		"imported": "Geïmporteerd",

		"pendingTitle":  "Wacht op u",
		"pendingIntro":  "Een instelling heeft u deze badges toegekend. Accepteer er een om het credential te ontvangen, of wijs het af.",
		"claimBy":       "Accepteren vóór",
		"awardedBy":     "Toegekend door",
		"termsHeading":  "Voorwaarden",
		"termsAccept":   "Ik accepteer deze voorwaarden",
		"termsRequired": "Vink het vakje aan om de voorwaarden te accepteren voordat u de badge accepteert.",
		"termsChanged":  "De voorwaarden zijn gewijzigd terwijl u ze las. Lees ze opnieuw en accepteer de nieuwe versie.",
		"claim":         "Accepteren", "reject": "Afwijzen",
		"claimed":  "Geaccepteerd: het credential zit in uw rugzak.",
		"rejected": "Afgewezen: de toekenning staat niet meer in uw lijst.",

		"requestsTitle": "Mijn aanvragen", "requestsIntro": "Badges die u hebt aangevraagd. Medewerkers van de instelling beslissen.",
		"requestWaiting": "Wacht op een besluit", "requestDenied": "Afgewezen", "requested": "Aangevraagd", "reason": "Reden",

		"collectionsTitle": "Collecties", "collectionsNone": "U hebt geen collecties.",

		"meaningTitle": "Wat het betekent", "description": "Beschrijving", "criteria": "Hoe het is behaald", "criteriaLink": "Criteria",
		"ects": "ECTS-punten", "eqf": "EQF-niveau", "nlqf": "NLQF-niveau", "studyLoad": "Studielast", "hours": "uur",
		"timeInvestment":  "Tijdsinvestering",
		"learningOutcome": "Leerresultaat", "alignments": "Afgestemd op", "evidence": "Bewijs", "grade": "Cijfer",
		"achievementType": "Soort", "inLanguage": "Taal", "tags": "Labels", "microcredential": "Microcredential",
		"yes": "ja", "issuerSite": "Website",

		"verificationTitle": "Controle, nu",
		"checkedNow":        "Zojuist live gecontroleerd: de handtekening, de uitgever, de data en of het is ingetrokken.",

		"shareTitle":       "Delen",
		"shareIsPublic":    "Dit credential is openbaar.",
		"shareIsPrivate":   "Dit credential is privé: alleen u kunt het zien.",
		"sharePublicText":  "Als u het openbaar maakt, kan iedereen met de link de naam, afbeelding, uitgever, datum en betekenis zien, controleren dat het echt is en het ondertekende credential downloaden. Het credential noemt u alleen zoals de uitgever het schreef (de identificatie van uw wallet en een gezouten hash van uw e-mailadres, en uw naam als de uitgever die opnam). Verder wordt niets van uw account openbaar, en u kunt het altijd weer privé maken.",
		"shareMakePublic":  "Openbaar maken",
		"shareMakePrivate": "Privé maken",
		"shareLink":        "Openbare link",
		"shareOpen":        "Open de openbare pagina",
		"qrAlt":            "QR-code van de openbare link",
		"qrSVG":            "QR-code als SVG",
		"linkedIn":         "Toevoegen aan LinkedIn-profiel",
		"linkedInHelp":     "Opent LinkedIn met de naam, uitgever, datum en openbare link van dit credential al ingevuld.",
		"sharedPublic":     "Het credential is nu openbaar.",
		"sharedPrivate":    "Het credential is nu privé.",

		"downloadsTitle": "Downloaden", "downloadJSON": "JSON-LD (.json)", "downloadJWT": "VC-JWT (.jwt)",
		"downloadPNG": "Badge-afbeelding met het credential erin (PNG)", "downloadSVG": "Badge-afbeelding met het credential erin (SVG)",
		"noJWT": "Geen VC-JWT: de uitgever ondertekende dit credential als JSON-LD, en alleen de uitgever kan het in een andere vorm ondertekenen.",

		"presentTitle": "Tonen aan een verificateur",
		"presentIntro": "Een verificateur die om bewijs vraagt, geeft u een challenge (en vaak een domein). Uw presentatie wordt ondertekend met de sleutel van uw wallet en geldt alleen voor die challenge.",
		"challenge":    "Challenge", "domain": "Domein (optioneel)", "present": "Presentatie maken",
		"presentationLink": "Link naar de presentatie", "presentationQR": "QR-code van de link naar de presentatie",
		"presentationExpires": "De link werkt tot",

		"importTitle":        "Een credential importeren",
		"importIntro":        "Voeg een Open Badges 3.0-credential toe dat elders aan u is uitgegeven. Het wordt eerst gecontroleerd: een credential dat niet geldig is of aan iemand anders is uitgegeven, wordt geweigerd, met de reden.",
		"importPaste":        "Plak het credential (JSON) of de JWT ervan",
		"importFile":         "Of upload een bestand (JSON, JWT, of een PNG- of SVG-badge met het credential erin)",
		"importURL":          "Of geef het https-adres van het credential",
		"importSubmit":       "Controleren en importeren",
		"importRefused":      "Het credential is niet geïmporteerd.",
		"importEmpty":        "Plak eerst een credential, kies een bestand of geef een adres.",
		"importTooLarge":     "Het bestand is te groot: de limiet is %s.",
		"importFetch":        "Het credential kon niet worden opgehaald.",
		"importNotHTTPS":     "Geef het https-adres van het credential (een adres dat met https:// begint).",
		"importPresentation": "Dit is een presentatie, geen credential: importeer de credentials erin een voor een.",
		"importInvalid":      "Het is niet geldig: ten minste één controle is mislukt.",
		"importUnchecked":    "Het kon nu niet volledig worden gecontroleerd en is daarom niet geïmporteerd. Er is niets gevonden dat ertegen spreekt; probeer het later opnieuw.",
		"importDone":         "Geïmporteerd: het credential is geldig en zit in uw rugzak.",

		"importNotHolder": "Dit credential is aan iemand anders uitgegeven: het noemt uw wallet niet, en ook geen van uw bevestigde e-mailadressen, uw eduID of uw instellingsaccounts. Alleen credentials die aan u zijn uitgegeven, kunnen in uw rugzak.",

		"revokeReason":       "De reden van de uitgever:",
		"shareNotCounting":   "Het telt niet meer, en de openbare pagina zegt dat tegen iedereen die de link opent: het wordt niet als geldig getoond, en het kan niet aan een LinkedIn-profiel worden toegevoegd. U kunt het privé maken.",
		"presentNotCounting": "Het telt niet meer, dus het kan niet aan een verificateur worden getoond.",

		"accountTitle":  "Account en privacy",
		"accountPublic": "Wat openbaar is", "accountPublicNone": "Niets: al uw credentials zijn privé.",
		"accountPublicIntro": "Deze credentials zijn openbaar; iedereen met de link kan ze zien.",
		"accountIdentity":    "Uw account", "name": "Naam", "emails": "E-mailadressen", "walletDID": "Identificatie van uw wallet (DID)",
		"noWallet":    "Nog niet aangemaakt: dat gebeurt wanneer u voor het eerst een badge accepteert of een credential toont.",
		"exportTitle": "Exporteren", "exportIntro": "Download alles wat badged over u bewaart, met elk credential, als één ZIP-archief.",
		"exportLink":  "Mijn gegevens downloaden (ZIP)",
		"deleteTitle": "Mijn account verwijderen", "deleteStart": "Mijn account verwijderen…",
		"deleteConfirmTitle":    "Uw account verwijderen?",
		"deleteConfirm":         "Ik begrijp het: mijn account en mijn gegevens worden definitief verwijderd",
		"deleteConfirmRequired": "Vink het vakje aan om te bevestigen.",
		"deleteButton":          "Mijn account definitief verwijderen", "cancel": "Annuleren",
		"deletedTitle": "Uw account is verwijderd",
		"deletedText":  "Uw persoonsgegevens zijn uit badged verwijderd. Credentials die u al downloadde, blijven geldig tot de uitgever ze intrekt.",

		"homeTitle": "Open Badges die van jou zijn", "homeIntro": "badged bewaart de Open Badges 3.0-credentials die instellingen uitreiken: elke badge is een verifieerbare credential, ondertekend door de instelling, die de houder levenslang houdt en die iedereen kan controleren.",
		"homeLogin": "Inloggen", "homeLoginText": "in je rugzak: claim de badges die op je wachten, deel ze, neem ze mee naar je eigen wallet.",
		"homeCatalogue": "Catalogus", "homeCatalogueText": "van de badges die instellingen uitreiken, en hoe je ze verdient.",
		"homeVerify": "Een credential controleren", "homeVerifyText": "die iemand je liet zien: plak hem, upload hem of geef de link.",
		"errorTitle": "Er ging iets mis", "notFoundTitle": "Niet gevonden",
		"internalText":          "Er ging bij ons iets mis. Probeer het later opnieuw; gebeurt het weer, geef ons dan het verzoek-ID.",
		"methodNotAllowedTitle": "Hier niet mogelijk", "methodNotAllowedText": "Dit adres kan niet op deze manier worden gebruikt.",
		"forbiddenTitle": "Niet toegestaan", "crossOriginText": "Een formulier van een andere site mag hier niets wijzigen. Gebruik de pagina's van deze site.",
		"homeLink":      "Naar de startpagina",
		"tooLargeTitle": "Te groot", "tooLargeText": "Wat u stuurde, is groter dan badged accepteert: de limiet is %s. Kies een kleiner bestand.",
		"tryAgain":     "Opnieuw proberen",
		"tooManyTitle": "Te veel verzoeken", "tooManyText": "Er kwamen te veel verzoeken van uw adres. Probeer het over %s opnieuw.",
		"busyTitle": "Druk", "busyText": "badged controleert nu zoveel credentials als het kan. Probeer het over %s opnieuw.",
		"notFoundText": "Hier is niets. De openbare pagina van een credential verdwijnt wanneer de eigenaar het privé maakt.",
		"back":         "Terug naar mijn credentials",

		"shareVerify": "Controleer het zelf", "sharedBy": "Een credential gedeeld door de houder",
		"shareAbout":    "Deze pagina toont een credential dat de houder openbaar heeft gemaakt, met de uitkomst van een controle van zojuist.",
		"shareDownload": "Het credential downloaden",
	},
}

// FallbackTerms are the terms a learner accepts to claim a direct award
// from an institution that has none of its own (issuer.Institution.Terms):
// the claim then posts no version. "%s" is the institution's name.
var FallbackTerms = map[string]string{
	"en": "%s issues this badge to you as a signed credential. By claiming it you agree that the institution " +
		"records that you accepted it, with your account's identifiers, and that the credential names you by " +
		"your wallet's identifier and a salted hash of your email address. You decide whether it is shared; " +
		"the institution may revoke it if it was awarded in error.",
	"nl": "%s geeft u deze badge als ondertekend credential. Door hem te accepteren gaat u ermee akkoord dat de " +
		"instelling vastlegt dat u hem accepteerde, met de identificaties van uw account, en dat het credential " +
		"u noemt met de identificatie van uw wallet en een gezouten hash van uw e-mailadres. U bepaalt of het " +
		"gedeeld wordt; de instelling kan het intrekken als het ten onrechte is toegekend.",
}

// deletionNoticeNL is wallet.DeletionNotice in Dutch.
const deletionNoticeNL = `Als u uw account verwijdert, verdwijnen uw persoonsgegevens uit badged: uw profiel en aanmeldgegevens, ` +
	`uw sessies, de sleutel van uw wallet, wat u deelde, uw presentaties, geïmporteerde credentials en collecties, ` +
	`en uw naam, e-mailadressen, eduID en instellingsaccounts bij de badges die aan u zijn toegekend. ` +
	`Dit kan niet ongedaan worden gemaakt; exporteer eerst uw gegevens als u ze wilt bewaren.

Credentials die u al downloadde of aan anderen gaf, blijven geldig: hun uitgevers ondertekenden ze, ` +
	`ze noemen u alleen met gezouten hashes (of de DID van uw wallet), en ze blijven geldig tot de uitgever ` +
	`ze intrekt of ze verlopen. Uw openbare links en presentatielinks werken meteen niet meer, en badged kan niet ` +
	`meer zeggen aan wie een credential is uitgegeven. Wilt u een credential zelf laten intrekken, vraag het dan de uitgever.`
