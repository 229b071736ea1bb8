//! Serde for OS strings and paths: a JSON string when the bytes are valid UTF-8 (the
//! common case, and what psutil prints), otherwise the exact bytes as an array of
//! numbers, so nothing is lost and deserialising gives back the same value.
//!
//! Use with `#[serde(with = "crate::serde_os")]` (one value), `serde_os::vec`,
//! `serde_os::opt` or `serde_os::map`.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;

use serde::de::Deserializer;
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

/// Values stored as OS bytes.
pub(crate) trait OsBytes {
    fn os_bytes(&self) -> &[u8];
    fn from_os_bytes(bytes: Vec<u8>) -> Self;
}

impl OsBytes for OsString {
    fn os_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
    fn from_os_bytes(bytes: Vec<u8>) -> Self {
        OsString::from_vec(bytes)
    }
}

impl OsBytes for PathBuf {
    fn os_bytes(&self) -> &[u8] {
        self.as_os_str().as_bytes()
    }
    fn from_os_bytes(bytes: Vec<u8>) -> Self {
        PathBuf::from(OsString::from_vec(bytes))
    }
}

/// The wire form.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Wire<'a> {
    Text(std::borrow::Cow<'a, str>),
    Bytes(Vec<u8>),
}

impl<'a> Wire<'a> {
    fn of(bytes: &'a [u8]) -> Self {
        match std::str::from_utf8(bytes) {
            Ok(s) => Wire::Text(s.into()),
            Err(_) => Wire::Bytes(bytes.to_vec()),
        }
    }
    fn into_bytes(self) -> Vec<u8> {
        match self {
            Wire::Text(s) => s.into_owned().into_bytes(),
            Wire::Bytes(b) => b,
        }
    }
}

pub(crate) fn serialize<T: OsBytes, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    Wire::of(v.os_bytes()).serialize(s)
}

pub(crate) fn deserialize<'de, T: OsBytes, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    Ok(T::from_os_bytes(Wire::deserialize(d)?.into_bytes()))
}

/// For `Option<T>`.
pub(crate) mod opt {
    use super::*;

    pub(crate) fn serialize<T: OsBytes, S: Serializer>(
        v: &Option<T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        v.as_ref().map(|v| Wire::of(v.os_bytes())).serialize(s)
    }

    pub(crate) fn deserialize<'de, T: OsBytes, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        Ok(Option::<Wire>::deserialize(d)?.map(|w| T::from_os_bytes(w.into_bytes())))
    }
}

/// For `Vec<T>`.
pub(crate) mod vec {
    use super::*;

    pub(crate) fn serialize<T: OsBytes, S: Serializer>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|v| Wire::of(v.os_bytes())))
    }

    pub(crate) fn deserialize<'de, T: OsBytes, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<T>, D::Error> {
        Ok(Vec::<Wire>::deserialize(d)?
            .into_iter()
            .map(|w| T::from_os_bytes(w.into_bytes()))
            .collect())
    }
}

/// For maps keyed and valued by OS strings (environ). JSON object keys must be text, so
/// a key that is not valid UTF-8 is written lossily (U+FFFD); values are exact.
pub(crate) mod map {
    use super::*;
    use std::collections::BTreeMap;

    pub(crate) fn serialize<S: Serializer>(
        v: &BTreeMap<OsString, OsString>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_map(
            v.iter()
                .map(|(k, v)| (OsStr::to_string_lossy(k), Wire::of(v.as_bytes()))),
        )
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<OsString, OsString>, D::Error> {
        let m = BTreeMap::<String, Wire>::deserialize(d)?;
        Ok(m.into_iter()
            .map(|(k, v)| (OsString::from(k), OsString::from_vec(v.into_bytes())))
            .collect())
    }
}
