"""Reports: compiled from the read models at a position, rendered, emailed."""
