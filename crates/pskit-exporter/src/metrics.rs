//! The exposition model: metric families as collected, deduplication on exact label
//! sets, and encoding through `prometheus-client` in the Prometheus text format (0.0.4)
//! or OpenMetrics.

use std::collections::HashSet;
use std::sync::Arc;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;

/// A sample's labels: `(name, value)` pairs. Values are any string; the encoder
/// escapes `\`, `"` and newlines.
pub(crate) type Labels = Vec<(&'static str, String)>;

/// Counter or gauge. Counter family names are stored without `_total`; the encoder
/// appends it, as Prometheus and OpenMetrics expect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Counter,
    Gauge,
}

/// A sample value: integers stay exact (byte counts above 2^53 would lose digits as f64).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Value {
    Int(u64),
    Float(f64),
}

impl Value {
    /// The value as a float (for comparisons in tests).
    #[cfg(test)]
    pub(crate) fn as_f64(self) -> f64 {
        match self {
            Value::Int(v) => v as f64,
            Value::Float(v) => v,
        }
    }
}

impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Value::Int(v)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}

/// One metric family: a name, its help text, its type and its samples.
#[derive(Clone, Debug)]
pub(crate) struct Family {
    pub(crate) name: String,
    pub(crate) help: &'static str,
    pub(crate) kind: Kind,
    pub(crate) samples: Vec<(Labels, Value)>,
}

impl Family {
    /// Adds a sample; a non-finite float is dropped (a gauge such as a ratio can be NaN
    /// when its denominator is 0, and a counter must never be).
    pub(crate) fn push(&mut self, labels: Labels, value: impl Into<Value>) {
        let value = value.into();
        if let Value::Float(f) = value {
            if !f.is_finite() {
                return;
            }
        }
        self.samples.push((labels, value));
    }

    /// Removes samples whose label set (compared as a sorted list of pairs) was already
    /// seen; returns how many were removed. The first sample wins.
    pub(crate) fn dedup(&mut self) -> usize {
        let before = self.samples.len();
        let mut seen: HashSet<Vec<(&'static str, String)>> = HashSet::with_capacity(before);
        self.samples.retain(|(labels, _)| {
            let mut key = labels.clone();
            key.sort();
            seen.insert(key)
        });
        before - self.samples.len()
    }
}

/// What one collector produced in one run.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    pub(crate) families: Vec<Family>,
    /// Items skipped: `(item, error kind)` per occurrence, e.g. `("stat", "Parse")`.
    pub(crate) skipped: Vec<(&'static str, &'static str)>,
}

impl Batch {
    /// Starts a new family and returns it for samples.
    pub(crate) fn family(
        &mut self,
        name: impl Into<String>,
        help: &'static str,
        kind: Kind,
    ) -> &mut Family {
        self.families.push(Family {
            name: name.into(),
            help,
            kind,
            samples: Vec::new(),
        });
        self.families.last_mut().expect("just pushed")
    }

    /// A gauge family.
    pub(crate) fn gauge(&mut self, name: impl Into<String>, help: &'static str) -> &mut Family {
        self.family(name, help, Kind::Gauge)
    }

    /// A counter family (`name` without `_total`).
    pub(crate) fn counter(&mut self, name: impl Into<String>, help: &'static str) -> &mut Family {
        self.family(name, help, Kind::Counter)
    }

    /// Records a skipped item.
    pub(crate) fn skip(&mut self, item: &'static str, kind: &'static str) {
        self.skipped.push((item, kind));
    }

    /// Merges families of the same name and deduplicates every family's samples;
    /// duplicates are recorded as skipped `("series", "Duplicate")` items. Empty
    /// families are dropped.
    pub(crate) fn finish(&mut self) {
        let mut merged: Vec<Family> = Vec::with_capacity(self.families.len());
        for fam in self.families.drain(..) {
            match merged.iter_mut().find(|m| m.name == fam.name) {
                Some(m) if m.kind == fam.kind => m.samples.extend(fam.samples),
                Some(_) => self
                    .skipped
                    .extend(std::iter::repeat(("series", "Duplicate")).take(fam.samples.len())),
                None => merged.push(fam),
            }
        }
        for fam in &mut merged {
            let dups = fam.dedup();
            self.skipped
                .extend(std::iter::repeat(("series", "Duplicate")).take(dups));
        }
        merged.retain(|f| !f.samples.is_empty());
        self.families = merged;
    }
}

/// The exposition formats the exporter serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Prometheus text format 0.0.4 (`text/plain; version=0.0.4`).
    Text,
    /// OpenMetrics 1.0 text (`application/openmetrics-text; version=1.0.0`).
    OpenMetrics,
}

impl Format {
    /// The `Content-Type` header of a body in this format.
    ///
    /// ```
    /// assert!(pskit_exporter::Format::Text.content_type().starts_with("text/plain"));
    /// ```
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Text => prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }

    /// Content negotiation on an `Accept` header: OpenMetrics when the client ranks it
    /// at least as high as the text format (Prometheus does), else text.
    ///
    /// ```
    /// use pskit_exporter::Format;
    /// let prom = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    /// assert_eq!(Format::negotiate(Some(prom)), Format::OpenMetrics);
    /// assert_eq!(Format::negotiate(Some("*/*")), Format::Text);
    /// assert_eq!(Format::negotiate(None), Format::Text);
    /// ```
    pub fn negotiate(accept: Option<&str>) -> Format {
        let Some(accept) = accept else {
            return Format::Text;
        };
        let (mut om, mut text) = (0.0f32, 0.0f32);
        for item in accept.split(',') {
            let mut parts = item.split(';').map(str::trim);
            let media = parts.next().unwrap_or("").to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.strip_prefix("q="))
                .find_map(|v| v.parse::<f32>().ok())
                .unwrap_or(1.0);
            match media.as_str() {
                "application/openmetrics-text" => om = om.max(q),
                "text/plain" | "text/*" | "*/*" => text = text.max(q),
                _ => {}
            }
        }
        if om > 0.0 && om >= text {
            Format::OpenMetrics
        } else {
            Format::Text
        }
    }
}

/// The families of one scrape, ready for a registry.
#[derive(Debug)]
struct Exposition(Arc<Vec<Family>>);

impl Collector for Exposition {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        for fam in self.0.iter() {
            let kind = match fam.kind {
                Kind::Counter => MetricType::Counter,
                Kind::Gauge => MetricType::Gauge,
            };
            let mut metric = encoder.encode_descriptor(&fam.name, fam.help, None, kind)?;
            for (labels, value) in &fam.samples {
                let sample = metric.encode_family(labels)?;
                match (fam.kind, *value) {
                    (Kind::Counter, Value::Int(v)) => ConstCounter::new(v).encode(sample)?,
                    (Kind::Counter, Value::Float(v)) => ConstCounter::new(v).encode(sample)?,
                    (Kind::Gauge, Value::Int(v)) => ConstGauge::new(v).encode(sample)?,
                    (Kind::Gauge, Value::Float(v)) => ConstGauge::new(v).encode(sample)?,
                }
            }
        }
        Ok(())
    }
}

/// Encodes `families` (already deduplicated) in `format`.
pub(crate) fn encode(
    families: Arc<Vec<Family>>,
    format: Format,
) -> Result<String, std::fmt::Error> {
    let mut registry = Registry::default();
    registry.register_collector(Box::new(Exposition(families)));
    let mut out = String::with_capacity(64 * 1024);
    let result = match format {
        Format::Text => prometheus_client::encoding::prometheus_text::encode(&mut out, &registry),
        Format::OpenMetrics => prometheus_client::encoding::text::encode(&mut out, &registry),
    };
    result.map(|()| out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedup_keeps_first_of_identical_label_sets_in_any_order() {
        let mut b = Batch::default();
        let f = b.gauge("x", "help");
        f.push(vec![("a", "1".into()), ("b", "2".into())], 1u64);
        f.push(vec![("b", "2".into()), ("a", "1".into())], 2u64);
        f.push(vec![("a", "1".into())], 3u64);
        b.gauge("x", "help").push(vec![("a", "1".into())], 4u64);
        b.counter("x", "help").push(vec![], 5u64);
        b.finish();
        assert_eq!(b.families.len(), 1);
        let values: Vec<f64> = b.families[0].samples.iter().map(|s| s.1.as_f64()).collect();
        assert_eq!(values, vec![1.0, 3.0]);
        assert_eq!(b.skipped.len(), 3);
    }

    #[test]
    fn non_finite_values_are_dropped_and_labels_escaped() {
        let mut b = Batch::default();
        let f = b.gauge("g", "help");
        f.push(vec![], f64::NAN);
        f.push(vec![("l", "a\"b\\c\nd\u{fffd}".into())], 1.5);
        b.counter("c", "help").push(vec![], 7u64);
        b.finish();
        let fams = Arc::new(std::mem::take(&mut b.families));
        let text = encode(fams.clone(), Format::Text).unwrap();
        assert!(
            text.contains("g{l=\"a\\\"b\\\\c\\nd\u{fffd}\"} 1.5\n"),
            "{text}"
        );
        assert!(
            text.contains("# TYPE c_total counter\nc_total 7\n"),
            "{text}"
        );
        let om = encode(fams, Format::OpenMetrics).unwrap();
        assert!(om.contains("# TYPE c counter\nc_total 7\n"), "{om}");
        assert!(om.ends_with("# EOF\n"));
    }
}
