//! Scrape rounds: runs the collectors on a collection thread, shares one round among
//! concurrent scrapes, and answers each scrape by its deadline with whatever has been
//! collected (late collectors get `pskit_scrape_collector_success 0`).

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hyper::body::Bytes;
use tokio::sync::watch;

use crate::collect::{self, Collect, CollectorName, CollectorOptions, StatFs};
use crate::metrics::{self, Batch, Family, Format, Kind};

/// Collection threads allowed at once (one current round, plus rounds still running a
/// late collector). Beyond that, scrapes share the newest round even if it is done.
const MAX_COLLECTION_THREADS: usize = 3;

type SkipKey = (&'static str, &'static str, &'static str);

/// A collector behind the lock that keeps two rounds from running it at once.
type SharedCollector = Arc<Mutex<Box<dyn Collect>>>;

/// The result of one collector in one round.
struct Outcome {
    families: Vec<Family>,
    ok: bool,
    seconds: f64,
}

/// One collection, shared by the scrapes that arrive while it runs.
struct Round {
    started: Instant,
    results: Mutex<Vec<Option<Outcome>>>,
    progress: watch::Sender<usize>,
    /// Encoded bodies of the complete round, per format (text, OpenMetrics).
    encoded: Mutex<[Option<Bytes>; 2]>,
}

/// The collectors and the state shared by all scrapes.
pub(crate) struct Scraper {
    collectors: Vec<(CollectorName, SharedCollector)>,
    budget: Duration,
    current: Mutex<Option<Arc<Round>>>,
    skipped: Arc<Mutex<BTreeMap<SkipKey, u64>>>,
    threads: Arc<AtomicUsize>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Scraper {
    pub(crate) fn new(
        enabled: &[CollectorName],
        opts: &CollectorOptions,
        budget: Duration,
        statfs: StatFs,
    ) -> Scraper {
        let collectors = enabled
            .iter()
            .map(|&n| {
                (
                    n,
                    Arc::new(Mutex::new(collect::build(n, opts, statfs.clone()))),
                )
            })
            .collect();
        Scraper {
            collectors,
            budget,
            current: Mutex::new(None),
            skipped: Arc::default(),
            threads: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The round a new scrape should wait on: the running one (unless it is already
    /// past its budget: a late collector must not freeze the others' values), or a new
    /// one.
    fn round(&self) -> Arc<Round> {
        let mut current = lock(&self.current);
        if let Some(r) = current.as_ref() {
            let running =
                *r.progress.borrow() < self.collectors.len() && r.started.elapsed() < self.budget;
            if running || self.threads.load(Ordering::Acquire) >= MAX_COLLECTION_THREADS {
                return r.clone();
            }
        }
        let round = Arc::new(Round {
            started: Instant::now(),
            results: Mutex::new((0..self.collectors.len()).map(|_| None).collect()),
            progress: watch::channel(0).0,
            encoded: Mutex::new([None, None]),
        });
        if self.spawn_collection(round.clone()).is_err() {
            // No thread could be made: answer from the previous round if there is one.
            if let Some(r) = current.as_ref() {
                return r.clone();
            }
        }
        *current = Some(round.clone());
        round
    }

    fn spawn_collection(&self, round: Arc<Round>) -> std::io::Result<()> {
        let collectors = self.collectors.clone();
        let skipped = self.skipped.clone();
        let threads = self.threads.clone();
        threads.fetch_add(1, Ordering::AcqRel);
        let spawned = std::thread::Builder::new()
            .name("pskit-collect".into())
            .stack_size(256 * 1024)
            .spawn(move || {
                // Released however this thread ends.
                let _running = ThreadCount(threads);
                for (i, (name, collector)) in collectors.iter().enumerate() {
                    let outcome = run_one(name.as_str(), collector, &skipped);
                    lock(&round.results)[i] = Some(outcome);
                    round.progress.send_modify(|n| *n += 1);
                }
            });
        if let Err(e) = spawned {
            self.threads.fetch_sub(1, Ordering::AcqRel);
            return Err(e);
        }
        Ok(())
    }

    /// Collects (or joins a running collection) and encodes the answer, waiting at most
    /// the scrape budget (or `limit`, when the scraper says its own timeout is shorter).
    /// Fails only if the encoder reports an error (the server answers 500).
    pub(crate) async fn scrape(
        &self,
        format: Format,
        limit: Option<Duration>,
    ) -> Result<Bytes, std::fmt::Error> {
        let wait = limit.map_or(self.budget, |l| l.min(self.budget));
        let deadline = tokio::time::Instant::now() + wait;
        let round = self.round();
        let n = self.collectors.len();
        let mut rx = round.progress.subscribe();
        while *rx.borrow_and_update() < n {
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => continue,
                _ => break,
            }
        }
        let complete = *round.progress.borrow() >= n;
        let slot = usize::from(format == Format::OpenMetrics);
        if complete {
            if let Some(body) = &lock(&round.encoded)[slot] {
                return Ok(body.clone());
            }
        }
        let families = Arc::new(self.snapshot(&round));
        let body = Bytes::from(metrics::encode(families, format)?);
        if complete {
            lock(&round.encoded)[slot] = Some(body.clone());
        }
        Ok(body)
    }

    /// The families of the collectors done so far plus the scrape's self-metrics.
    fn snapshot(&self, round: &Round) -> Vec<Family> {
        let results = lock(&round.results);
        let mut out: Vec<Family> = Vec::new();
        let mut names: HashSet<String> = HashSet::new();
        let mut success = Family {
            name: "pskit_scrape_collector_success".into(),
            help: "Whether a collector succeeded (0 when it failed or was late).",
            kind: Kind::Gauge,
            samples: Vec::new(),
        };
        let mut duration = Family {
            name: "pskit_scrape_collector_duration_seconds".into(),
            help: "How long a collector took.",
            kind: Kind::Gauge,
            samples: Vec::new(),
        };
        for ((name, _), result) in self.collectors.iter().zip(results.iter()) {
            let label = vec![("collector", name.as_str().to_owned())];
            match result {
                Some(o) => {
                    success.push(label.clone(), u64::from(o.ok));
                    duration.push(label, o.seconds);
                    for f in &o.families {
                        // A family name owned by an earlier collector is not repeated.
                        if names.insert(f.name.clone()) {
                            out.push(f.clone());
                        }
                    }
                }
                None => success.push(label, 0u64),
            }
        }
        drop(results);
        out.push(success);
        out.push(duration);
        let mut skipped = Family { name: "pskit_scrape_skipped".into(), help: "Items (processes, mounts, values, series) skipped by a collector, by item and error kind.", kind: Kind::Counter, samples: Vec::new() };
        for ((collector, item, kind), n) in lock(&self.skipped).iter() {
            skipped.push(
                vec![
                    ("collector", (*collector).into()),
                    ("item", (*item).into()),
                    ("kind", (*kind).into()),
                ],
                *n,
            );
        }
        if !skipped.samples.is_empty() {
            out.push(skipped);
        }
        out
    }
}

/// Runs one collector; a collector still busy with an earlier (late) round fails this
/// one instead of blocking it.
/// One running collection thread, counted while it lives.
struct ThreadCount(Arc<AtomicUsize>);

impl Drop for ThreadCount {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

fn run_one(
    name: &'static str,
    collector: &Mutex<Box<dyn Collect>>,
    skipped: &Mutex<BTreeMap<SkipKey, u64>>,
) -> Outcome {
    let start = Instant::now();
    let mut batch = Batch::default();
    // A collector that panics (a bug) fails this round only: it is counted as skipped
    // and the scrape goes on with the others.
    let guarded = |c: &mut Box<dyn Collect>, batch: &mut Batch| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| c.collect(batch)))
            .unwrap_or_else(|_| Err(pskit::Error::NotSupported("collector panicked".into())))
    };
    let result = match collector.try_lock() {
        Ok(mut c) => guarded(&mut c, &mut batch),
        Err(std::sync::TryLockError::Poisoned(p)) => guarded(&mut p.into_inner(), &mut batch),
        Err(std::sync::TryLockError::WouldBlock) => {
            batch.skip("collector", "Busy");
            Err(pskit::Error::NotSupported(
                "collector busy with a late round".into(),
            ))
        }
    };
    let ok = match &result {
        Ok(()) => true,
        Err(pskit::Error::NotSupported(m)) if m.ends_with("late round") => false,
        Err(pskit::Error::NotSupported(m)) if m == "collector panicked" => {
            batch.skip("collector", "Panic");
            false
        }
        Err(e) => {
            batch.skip("collector", collect::error_kind(e));
            false
        }
    };
    batch.finish();
    if !batch.skipped.is_empty() {
        let mut map = lock(skipped);
        for (item, kind) in batch.skipped.drain(..) {
            *map.entry((name, item, kind)).or_default() += 1;
        }
    }
    Outcome {
        families: if ok { batch.families } else { Vec::new() },
        ok,
        seconds: start.elapsed().as_secs_f64(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// A collector that counts its runs and takes `delay`.
    struct Slow {
        name: &'static str,
        delay: Duration,
        runs: Arc<AtomicUsize>,
    }

    impl Collect for Slow {
        fn collect(&mut self, out: &mut Batch) -> pskit::Result<()> {
            std::thread::sleep(self.delay);
            let n = self.runs.fetch_add(1, Ordering::SeqCst) + 1;
            out.gauge(format!("test_{}_runs", self.name), "runs")
                .push(vec![], n as u64);
            Ok(())
        }
    }

    fn scraper(budget: Duration, list: Vec<(CollectorName, Slow)>) -> Arc<Scraper> {
        Arc::new(Scraper {
            collectors: list
                .into_iter()
                .map(|(n, c)| (n, Arc::new(Mutex::new(Box::new(c) as Box<dyn Collect>))))
                .collect(),
            budget,
            current: Mutex::new(None),
            skipped: Arc::default(),
            threads: Arc::new(AtomicUsize::new(0)),
        })
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn a_late_collector_is_reported_and_does_not_hold_the_scrape() {
        let fast_runs = Arc::new(AtomicUsize::new(0));
        // The budget leaves a fresh collection thread ample time to run the fast
        // collector on a loaded machine; the late one takes far longer.
        let budget = Duration::from_secs(1);
        let s = scraper(
            budget,
            vec![
                (
                    CollectorName::Cpu,
                    Slow {
                        name: "fast",
                        delay: Duration::ZERO,
                        runs: fast_runs.clone(),
                    },
                ),
                (
                    CollectorName::Hwmon,
                    Slow {
                        name: "slow",
                        delay: Duration::from_secs(5),
                        runs: Arc::default(),
                    },
                ),
            ],
        );
        let rt = runtime();
        let start = Instant::now();
        let body = rt.block_on(s.scrape(Format::Text, None)).unwrap();
        let took = start.elapsed();
        assert!(took < Duration::from_secs(4), "scrape took {took:?}");
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(
            text.contains("pskit_scrape_collector_success{collector=\"cpu\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("pskit_scrape_collector_success{collector=\"hwmon\"} 0"),
            "{text}"
        );
        assert!(text.contains("test_fast_runs 1"), "{text}");
        assert!(!text.contains("test_slow_runs"));
        // The next scrape runs the fast collector again; the slow one is still busy.
        let text =
            String::from_utf8(rt.block_on(s.scrape(Format::Text, None)).unwrap().to_vec()).unwrap();
        assert!(text.contains("test_fast_runs 2"), "{text}");
        assert!(text.contains("pskit_scrape_collector_success{collector=\"hwmon\"} 0"));
        // A shorter limit from the scraper wins.
        let start = Instant::now();
        rt.block_on(s.scrape(Format::Text, Some(Duration::from_millis(50))))
            .unwrap();
        assert!(start.elapsed() < budget, "{:?}", start.elapsed());
    }

    /// A collector with a bug: it panics on every run.
    struct Panics;

    impl Collect for Panics {
        fn collect(&mut self, _out: &mut Batch) -> pskit::Result<()> {
            panic!("a bug in a collector");
        }
    }

    #[test]
    fn a_panicking_collector_fails_only_itself_round_after_round() {
        let runs = Arc::new(AtomicUsize::new(0));
        let mut s = scraper(
            Duration::from_secs(2),
            vec![(
                CollectorName::Cpu,
                Slow {
                    name: "fine",
                    delay: Duration::ZERO,
                    runs: runs.clone(),
                },
            )],
        );
        let boxed: Box<dyn Collect> = Box::new(Panics);
        Arc::get_mut(&mut s)
            .unwrap()
            .collectors
            .push((CollectorName::Hwmon, Arc::new(Mutex::new(boxed))));
        let rt = runtime();
        for round in 1..=5 {
            let start = Instant::now();
            let body = rt.block_on(s.scrape(Format::Text, None)).unwrap();
            assert!(
                start.elapsed() < Duration::from_secs(1),
                "round {round} waited"
            );
            let text = String::from_utf8(body.to_vec()).unwrap();
            assert!(text.contains(&format!("test_fine_runs {round}")), "{text}");
            assert!(
                text.contains("pskit_scrape_collector_success{collector=\"hwmon\"} 0"),
                "{text}"
            );
            assert!(text.contains("kind=\"Panic\""), "{text}");
        }
        let t0 = Instant::now();
        while s.threads.load(Ordering::Acquire) != 0 && t0.elapsed() < Duration::from_secs(2) {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(
            s.threads.load(Ordering::Acquire),
            0,
            "collection threads released"
        );
    }

    #[test]
    fn concurrent_scrapes_share_one_collection() {
        let runs = Arc::new(AtomicUsize::new(0));
        let s = scraper(
            Duration::from_secs(5),
            vec![(
                CollectorName::Cpu,
                Slow {
                    name: "one",
                    delay: Duration::from_millis(200),
                    runs: runs.clone(),
                },
            )],
        );
        let rt = runtime();
        let bodies = rt.block_on(async {
            let tasks: Vec<_> = (0..20)
                .map(|i| {
                    let s = s.clone();
                    let format = if i % 2 == 0 {
                        Format::Text
                    } else {
                        Format::OpenMetrics
                    };
                    tokio::spawn(async move { s.scrape(format, None).await.unwrap() })
                })
                .collect();
            let mut out = Vec::new();
            for t in tasks {
                out.push(t.await.unwrap());
            }
            out
        });
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert!(bodies
            .iter()
            .all(|b| String::from_utf8_lossy(b).contains("test_one_runs 1")));
        // A scrape after the round is done collects again.
        rt.block_on(s.scrape(Format::Text, None)).unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }
}
