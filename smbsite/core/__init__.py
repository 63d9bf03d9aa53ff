"""What every stage shares: problems as data, slugs, site URLs under the base path, Markdown to safe HTML, and the reporter."""
