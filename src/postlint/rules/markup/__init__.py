"""MK: markup the renderer would print literally, leave open, or drop."""
