// Package bulk owns bulk direct awards: a CSV file of recipients, checked
// row by row before anything is applied, then awarded by a durable [Job]
// that a [Worker] processes in batches and that survives crashes and
// restarts without losing or duplicating an award.
//
// # The file
//
// A file is UTF-8 CSV (a byte-order mark is ignored) of at most
// [MaxFileBytes] bytes and [issuer.MaxDirectAwards] rows, delimited by
// commas or semicolons: the delimiter is the one the header row uses. The
// header names the columns, in any order and case: email, eppn, narrative,
// evidence and grade, as edubadges' sample file has them (Dutch and
// spelled-out aliases are accepted, see [Columns]). Email or eppn must be
// present; the others are optional.
//
// [Parse] checks every row and returns a [Report] of every problem, each
// with its row number (the header is row 1, as a spreadsheet numbers it),
// column and message: a row with the wrong number of columns (often the
// wrong delimiter), invalid UTF-8, a malformed email, a row with neither
// email nor EPPN, an EPPN whose SCHAC home (the part after the @) is not
// the institution's, the same email or EPPN twice, an evidence value that
// is not an http(s) URL, a grade, narrative or evidence the badge class
// requires but the row lacks. A file with any problem is rejected whole:
// nothing of it is applied.
//
// # Spreadsheet formulas
//
// A cell that starts with =, +, -, @, a tab or a carriage return would be
// run as a formula by a spreadsheet that opens an export of it (CSV
// injection). Such cells are refused on input, with a per-row problem,
// rather than silently changed: what is stored is exactly what the awarder
// wrote (a narrative that starts with a dash needs rewording). Every CSV badged writes (see [WriteReportCSV])
// also escapes such cells by prefixing a single quote, as OWASP advises,
// since values reach the store through the JSON API too.
//
// # Durability
//
// [Service.Submit] stores an accepted file as a queued job with all its
// rows in one transaction. A [Worker] claims a job under a lease, awards
// its rows in batches through [issuer.Service.DirectAwardBundle] with award
// IDs derived from the job ID and row number ([AwardID]) and the job ID as
// the bundle, and records progress only after each batch is stored, so
// Done never exceeds what is stored. Each award is stored with its audit
// entry and "award waiting" mail in one transaction (see issuer.Effects),
// so a crash never leaves an award without them. A batch redone after a
// crash creates only the awards it lacks, with their entries and mails.
package bulk
