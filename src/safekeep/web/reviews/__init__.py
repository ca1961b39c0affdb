"""Pages for access reviews and volunteers ' risk assessments."""
