"""The interactive explorer: a graph and its real backward pass in one offline HTML page.

* `explore(roots, **draw_options) -> Explorer`; `Explorer.save(path)` writes the page,
  and Jupyter shows it inline.
* `record_sites()`: a context in which each op remembers the line of code that created
  it, shown in the page's details.
"""

from minigrad.viz.explorer.page import DEFAULT_MAX_NODES, Explorer, explore
from minigrad.viz.explorer.sites import Site, record_sites, site_of

__all__ = ["DEFAULT_MAX_NODES", "Explorer", "Site", "explore", "record_sites", "site_of"]
