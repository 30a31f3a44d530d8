"""Reading exports: file dialects, column profiles, invoices and customers."""
