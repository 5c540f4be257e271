// The page's long tasks (PerformanceObserver "longtask", buffered), collected from the start of
// every document the page opens into `window.__longTasks` as [start, duration] pairs. Shared by
// the benchmarks that report the longest task of a window.
export async function watchLongTasks(page) {
  await page.addInitScript(() => {
    window.__longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
      }).observe({ type: 'longtask', buffered: true });
    } catch { /* no long task API */ }
  });
}
