"""Staff accounts beyond logging in: a pact's team (invitations, roles, removal,
deactivation) and the one-time links e-mailed to staff (an invitation that sets the
first password, a forgotten password's reset)."""
