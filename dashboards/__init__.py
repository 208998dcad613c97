"""Dashboards: staff pages that bring several packages together (the registrations
dashboard offers bulk enrolment in upcoming workshops). They sit on top of the layers,
beside the demo."""
