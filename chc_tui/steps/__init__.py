"""Every write, one typed use-case each: the complaint's lifecycle, residents and their needs,
service requests, remedies and actions, the Ombudsman, learning, new issues, correspondence,
personal data, landlord settings and the self-assessment's answers. The TUI, the CLI and the
importer all call these."""
