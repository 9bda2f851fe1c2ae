"""serve: output/ on localhost, rebuilt on each change of the site, with the browser reloaded."""
