"""Service delivery: officials record which requested services (mentoring, funding
guidance, ...) each organisation received, with its pages and forms."""
