"""Bank statements: camt.053/054, MT940, CODA and bank CSV/XLSX exports into canonical bank lines."""
