"""Goal figures: counted from events, read for a period, replayed to a position."""
