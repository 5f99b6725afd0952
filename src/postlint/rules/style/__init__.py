"""ST: inline styles follow the house palette and canonical form."""
