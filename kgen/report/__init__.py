"""One reporter per output format, behind one Protocol."""
