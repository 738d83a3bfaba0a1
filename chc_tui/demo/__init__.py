"""The demo database: believable complaints built through the same use-cases, and the rule that
keeps the demo away from a real database."""
