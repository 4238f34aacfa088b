//! The timing harness the benches share. std::time only: criterion's
//! dependency tree is heavier than ccmux's own, and what we need is small —
//! warm-up runs that are thrown away, then the median and the spread of the
//! timed ones, next to the machine's load (the figures mean little without it
//! on a shared box).

use std::time::Duration;

/// The spread of a set of timings.
pub struct Stats {
    n: usize,
    min: Duration,
    median: Duration,
    p99: Duration,
    max: Duration,
}

impl Stats {
    pub fn of(mut samples: Vec<Duration>) -> Stats {
        samples.sort_unstable();
        let at = |q: f64| {
            let last = samples.len().saturating_sub(1);
            samples
                .get((q * last as f64).round() as usize)
                .copied()
                .unwrap_or_default()
        };
        Stats {
            n: samples.len(),
            min: at(0.0),
            median: at(0.5),
            p99: at(0.99),
            max: at(1.0),
        }
    }
}

/// Runs `run` `warmup` times untimed, then `iters` times, stopping at the
/// first error. `run` returns the time of the part it wants measured, so setup
/// stays out of the figure.
pub fn sample<E>(
    warmup: usize,
    iters: usize,
    mut run: impl FnMut() -> Result<Duration, E>,
) -> Result<Stats, E> {
    for _ in 0..warmup {
        run()?;
    }
    Ok(Stats::of(
        (0..iters).map(|_| run()).collect::<Result<_, _>>()?,
    ))
}

/// Prints one result line. With `bytes`, also the rate each timing stands for
/// (the fastest run gives the highest rate).
pub fn report(label: &str, stats: &Stats, bytes: Option<usize>) {
    let mut line = format!(
        "{label:<44} median {:>10}  min {:>10}  max {:>10}",
        human(stats.median),
        human(stats.min),
        human(stats.max)
    );
    // A 99th percentile of a handful of runs is just the maximum again.
    if stats.n >= 100 {
        line += &format!("  p99 {:>10}", human(stats.p99));
    }
    line += &format!("  n={}", stats.n);
    if let Some(bytes) = bytes {
        let rate = |d: Duration| bytes as f64 / d.as_secs_f64().max(1e-9) / (1 << 20) as f64;
        line += &format!(
            "  => {:.1} MiB/s ({:.1}–{:.1})",
            rate(stats.median),
            rate(stats.max),
            rate(stats.min)
        );
    }
    println!("{line}");
}

fn human(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.3} ms", s * 1e3)
    } else {
        format!("{:.2} µs", s * 1e6)
    }
}

/// CPUs and load average, to print beside every set of figures.
pub fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into());
    format!("{cpus} CPUs, load average {load}")
}
