"""Reports: pure computations over canonical frames (aging; KPIs and statements come later)."""
