"""FM: the front matter has what the site needs, as valid YAML."""
