"""The interactive explorer: a graph and its real backward pass in one offline HTML page.

* `explore(roots, **draw_options) -> Explorer`; `Explorer.save(path)` writes the page,
  and Jupyter shows it inline.
* `record()` (exported as `minigrad.viz.record`): module calls and the line of code that
  created each op are recorded inside it; `record_sites()` records the lines only.
"""

from minigrad.viz.explorer.page import DEFAULT_MAX_NODES, Explorer, explore
from minigrad.viz.explorer.sites import Site, record, record_sites, site_of

__all__ = ["DEFAULT_MAX_NODES", "Explorer", "Site", "explore", "record", "record_sites",
           "site_of"]
