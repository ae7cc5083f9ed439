// MathJax 2 settings for pymdownx.arithmatex (generic mode): \( \) inline and \[ \] blocks,
// inside the elements arithmatex marks. MathJax itself is served from the site
// (assets/mathjax, copied by docs/hooks/offline_math.py), never from the network.
// A notebook page loads MathJax with its own settings first: leave that one alone.
if (!(window.MathJax && window.MathJax.Hub)) {
  window.MathJax = {
    // The combined configuration the package ships (TeX input, HTML-CSS output, tex2jax),
    // then the site's own (docs/javascripts/mathjax-local.js: fonts).
    config: ["TeX-AMS-MML_HTMLorMML-full.js", "local/minigrad.js"],
    tex2jax: {
      inlineMath: [["\\(", "\\)"]],
      displayMath: [["\\[", "\\]"]],
      processEscapes: true,
      processEnvironments: true,
      ignoreClass: ".*",
      processClass: "arithmatex"
    },
    menuSettings: { zoom: "None" },
    showMathMenu: false
  };
}
