"""What leaves the building: letters, the evidence pack, the annual report, the
self-assessment export and their charts, through one document model and one writer per format."""
