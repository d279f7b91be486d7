package devidp

// User is a demo person.
type User struct {
	ID         string // the value picked on the authorization page
	Staff      bool
	Name       string
	GivenName  string
	FamilyName string
	Email      string
	EPPN       string
	SCHACHome  string
}

// DemoSCHACHome is the SCHAC home of the demo institution.
const DemoSCHACHome = "university-example.org"

// DemoUsers returns the demo people: three learners and two staff members
// of the demo institution (its admin first).
func DemoUsers() []User {
	return []User{
		{ID: "learner-anna", Name: "Anna de Vries", GivenName: "Anna", FamilyName: "de Vries",
			Email: "anna.devries@student.example.org", EPPN: "anna@" + DemoSCHACHome, SCHACHome: DemoSCHACHome},
		{ID: "learner-bram", Name: "Bram Jansen", GivenName: "Bram", FamilyName: "Jansen",
			Email: "bram.jansen@student.example.org", EPPN: "bjansen@" + DemoSCHACHome, SCHACHome: DemoSCHACHome},
		{ID: "learner-chen", Name: "Chen Li", GivenName: "Chen", FamilyName: "Li", Email: "chen.li@example.com"},
		{ID: "staff-admin", Staff: true, Name: "Dana Admin", GivenName: "Dana", FamilyName: "Admin",
			Email: "dana.admin@" + DemoSCHACHome, EPPN: "dana@" + DemoSCHACHome, SCHACHome: DemoSCHACHome},
		{ID: "staff-teacher", Staff: true, Name: "Eric Teacher", GivenName: "Eric", FamilyName: "Teacher",
			Email: "eric.teacher@" + DemoSCHACHome, EPPN: "eric@" + DemoSCHACHome, SCHACHome: DemoSCHACHome},
	}
}
