"""Bearer tokens scoped to one publisher."""
