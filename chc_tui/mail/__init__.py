"""Mail out of the building (issue 21.3, 21.4): the landlord's own SMTP server, a letter
as an email, and the daily reminders of deadlines. No Textual here: the CLI (and later the
screens, through the use-cases) call these."""
