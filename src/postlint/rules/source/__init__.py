"""SRC: attribution of sources and the links in a post."""
