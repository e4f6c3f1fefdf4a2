"""Writers that turn report rows into text: pure functions, strings out."""
