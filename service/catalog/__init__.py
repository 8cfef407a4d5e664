"""Records core: create, replace, delete records with validation; publishers; bookkeeping."""
