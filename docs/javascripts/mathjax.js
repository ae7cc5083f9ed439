// MathJax 2 settings for pymdownx.arithmatex (generic mode): \( \) inline and \[ \] blocks,
// inside the elements arithmatex marks. MathJax itself is served from the site
// (assets/mathjax, copied by docs/hooks/offline_math.py), never from the network.
// A notebook page loads MathJax with its own settings first: leave that one alone.
if (!(window.MathJax && window.MathJax.Hub)) {
  window.MathJax = {
    // The combined configuration the package ships (TeX input, HTML-CSS output, tex2jax).
    config: ["TeX-AMS-MML_HTMLorMML-full.js"],
    tex2jax: {
      inlineMath: [["\\(", "\\)"]],
      displayMath: [["\\[", "\\]"]],
      processEscapes: true,
      processEnvironments: true,
      ignoreClass: ".*",
      processClass: "arithmatex"
    },
    "HTML-CSS": { availableFonts: [], webFont: "STIX-Web", imageFont: null },
    messageStyle: "none",
    menuSettings: { zoom: "None" },
    showMathMenu: false
  };
}
