"""What every stage shares: problems as data, where a value is written, slugs and initials, site URLs under the base path, Markdown to safe HTML, the cache folder and the reporter."""
