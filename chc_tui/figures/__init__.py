"""What the annual report and the self-assessment measure from the records (TSM CH01/CH02,
timeliness, the evidence beside each provision)."""
