"""The workspace state: imports, invoices, customers, bank lines and matches in a database; the lock."""
