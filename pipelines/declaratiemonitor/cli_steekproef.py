"""`declaratiemonitor steekproef`: registered on the main app (owned by the steekproef work)."""
