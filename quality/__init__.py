"""The quality harness: the pages every check visits, the demo site they are served from, and the tools.

`quality.pages` lists every page and state (one line each); the security-header, axe, Nu, keyboard and screenshot
checks all read that list. `quality.site` builds the portal over a throwaway database with the demo programme and
serves it on a free localhost port. `python -m quality.screenshots` (or `make screenshots`) renders the main pages.
Nothing here is imported by the portal itself.
"""
