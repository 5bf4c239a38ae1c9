/* Shared by the process pages: t(zh, values) gives the English entry of `englishTable` when the page is
   <html lang="en">, else the Chinese source string; {name} placeholders are filled from `values`. */
window.hazardI18n = function (englishTable) {
  var english = /^en\b/.test(document.documentElement.lang) ? englishTable : null;
  return function t(zh, values) {
    var s = (english && english[zh]) || zh;
    return values ? s.replace(/\{(\w+)\}/g, function (m, k) { return values[k]; }) : s;
  };
};
