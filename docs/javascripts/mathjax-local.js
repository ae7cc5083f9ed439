// MathJax 2 settings shared by every page, notebooks included: the hook
// docs/hooks/offline_math.py installs this file as MathJax's config/local/minigrad.js, and
// pages load it after the package's combined configuration. The fonts are the web fonts
// shipped in the site (no look-up of fonts installed on the reader's machine, which made
// accents drift on some pages), and no messages in the corner of the page.
MathJax.Hub.Config({
  "HTML-CSS": { availableFonts: [], webFont: "STIX-Web", imageFont: null },
  messageStyle: "none"
});
MathJax.Ajax.loadComplete("[MathJax]/config/local/minigrad.js");
