// The Breakout's chart: connected and failed calls per period (stacked bars) and ASR (line, right axis).
(function () {
  const canvas = document.getElementById("breakout-chart");
  const source = document.getElementById("breakout-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  canvas.dataset.points = String(data.labels.length);
  new Chart(canvas, {
    data: {
      labels: data.labels,
      datasets: [
        { type: "bar", label: "Connected", data: data.answered, stack: "calls", backgroundColor: "#198754" },
        { type: "bar", label: "Failed", data: data.failed, stack: "calls", backgroundColor: "#adb5bd" },
        { type: "line", label: "ASR %", data: data.asr, yAxisID: "asr", borderColor: "#0d6efd", tension: 0.2 },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { stacked: true, ticks: { maxRotation: 0, autoSkip: true } },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: "Calls" } },
        asr: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: "ASR %" } },
      },
      plugins: { legend: { position: "bottom" } },
    },
  });
  canvas.dataset.ready = "1";
})();
