//! The system-wide API on fixture trees (see each fixture's NOTE.md for the kernel or
//! case it stands for), through `Host::with_roots`.

use std::path::{Path, PathBuf};

use pskit::{BatteryTime, Host, NicDuplex};

fn fixture(name: &str) -> Host {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    Host::with_roots(base.join("proc"), base.join("sys"))
}

fn clk() -> f64 {
    // SAFETY: sysconf has no preconditions.
    unsafe { libc::sysconf(libc::_SC_CLK_TCK) as f64 }
}

fn page() -> u64 {
    // SAFETY: sysconf has no preconditions.
    unsafe { libc::sysconf(libc::_SC_PAGESIZE) as u64 }
}

const KB: u64 = 1024;

// ------------------------------------------------------------------ Linux 2.6.18

#[test]
fn old_kernel_cpu() {
    let h = fixture("linux-2.6.18-rhel5");
    let t = h.cpu_times().unwrap();
    assert_eq!(t.user, 1000.0 / clk());
    assert_eq!(t.idle, 8000.0 / clk());
    assert_eq!(t.steal, Some(10.0 / clk()));
    assert_eq!(t.guest, None, "8 columns: no guest");
    assert_eq!(t.guest_nice, None);
    assert_eq!(h.cpu_times_percpu().unwrap().len(), 2);
    // No sysfs: cpuinfo fallbacks.
    assert_eq!(h.cpu_count().unwrap(), Some(2));
    assert_eq!(h.cpu_count_physical().unwrap(), Some(2));
    let s = h.cpu_stats().unwrap();
    assert_eq!(
        (s.ctx_switches, s.interrupts, s.soft_interrupts, s.syscalls),
        (987654, 123456, 0, 0)
    );
    let f = h.cpu_freq_percpu().unwrap();
    assert_eq!(f.len(), 2);
    assert_eq!((f[0].current, f[0].min, f[0].max), (1995.0, 0.0, 0.0));
    assert_eq!(h.getloadavg().unwrap(), (0.10, 0.20, 0.30));
    assert_eq!(h.boot_time().unwrap(), 1_200_000_000.0);
    let info = h.cpu_info().unwrap();
    assert_eq!(info.vendor.as_deref(), Some("GenuineIntel"));
    assert_eq!(info.cache_size, Some(4096 * KB));
    assert!(info.caches.is_empty());
}

#[test]
fn old_kernel_memory_estimates_available() {
    let h = fixture("linux-2.6.18-rhel5");
    let m = h.virtual_memory().unwrap();
    let low = (12 + 1250) * page();
    let (free, pagecache, sr) = (512000 * KB, 300000 * KB, 20000 * KB);
    let expect = free - low + (pagecache - (pagecache / 2).min(low)) + (sr - (sr / 2).min(low));
    assert_eq!(m.available, expect);
    assert_eq!(m.total, 2048000 * KB);
    assert_eq!(m.used, m.total - m.available);
    assert_eq!(m.cached, (400000 + 20000) * KB);
    assert_eq!(m.shared, 1000 * KB);
    assert_eq!(m.inactive, 300000 * KB);
    let expect_pct = ((m.total - m.available) as f64 / m.total as f64 * 1000.0).round() / 10.0;
    assert_eq!(m.percent, expect_pct);
    let s = h.swap_memory().unwrap();
    assert_eq!(
        (s.total, s.used, s.free),
        (1048576 * KB, 524288 * KB, 524288 * KB)
    );
    assert_eq!(s.percent, 50.0);
    assert_eq!((s.sin, s.sout), (100 * 4096, 200 * 4096));
    let d = h.swap_devices().unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].path, PathBuf::from("/dev/sda2"));
    assert_eq!((d[0].kind.as_str(), d[0].priority), ("partition", -1));
}

#[test]
fn old_kernel_disks_and_partition_lines() {
    let h = fixture("linux-2.6.18-rhel5");
    let per = h.disk_io_counters_perdisk(false).unwrap();
    assert_eq!(per.len(), 4);
    let sda = per["sda"];
    assert_eq!((sda.read_count, sda.write_count), (1000, 2000));
    assert_eq!(
        (sda.read_bytes, sda.write_bytes),
        (20000 * 512, 40000 * 512)
    );
    assert_eq!(
        (sda.read_time, sda.write_time, sda.busy_time),
        (500, 600, 900)
    );
    assert_eq!((sda.read_merged_count, sda.write_merged_count), (100, 200));
    // 7-field partition line: no times, no merges.
    let p1 = per["sda1"];
    assert_eq!(
        (p1.read_count, p1.read_bytes, p1.write_count, p1.write_bytes),
        (800, 16000 * 512, 1500, 30000 * 512)
    );
    assert_eq!(
        (p1.read_time, p1.busy_time, p1.read_merged_count),
        (0, 0, 0)
    );
    // Whole-disk total: sda + md0 only (they are in sys/block), partitions not counted.
    let t = h.disk_io_counters(false).unwrap().unwrap();
    assert_eq!(
        (t.read_count, t.write_count, t.busy_time),
        (1050, 2060, 900)
    );

    let parts = h.disk_partitions(false).unwrap();
    let names: Vec<_> = parts
        .iter()
        .map(|p| (p.device.clone(), p.mountpoint.clone(), p.fstype.clone()))
        .collect();
    assert_eq!(
        names,
        vec![
            // No /proc/partitions or sys/dev/block in the fixture: /dev/root stays.
            (
                PathBuf::from("/dev/root"),
                PathBuf::from("/"),
                "ext3".to_string()
            ),
            (
                PathBuf::from("/dev/sda3"),
                PathBuf::from("/mnt/my data"),
                "ext3".to_string()
            ),
        ]
    );
    assert_eq!(parts[1].opts, "rw,noatime");
    let all = h.disk_partitions(true).unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(
        all[3].device,
        PathBuf::from(""),
        "device `none` becomes empty"
    );
}

#[test]
fn old_kernel_net_and_thermal_zone_fallback() {
    let h = fixture("linux-2.6.18-rhel5");
    let per = h.net_io_counters_pernic(false).unwrap();
    let e = per["eth0"];
    assert_eq!(
        (e.bytes_recv, e.packets_recv, e.errin, e.dropin),
        (123456, 1000, 1, 2)
    );
    assert_eq!(
        (e.bytes_sent, e.packets_sent, e.errout, e.dropout),
        (654321, 2000, 3, 4)
    );
    let t = h.net_io_counters(false).unwrap().unwrap();
    assert_eq!(t.bytes_sent, 654321 + 5000);
    // No hwmon: thermal zones; the unreadable zone is skipped; only `critical` set,
    // so high = critical (psutil's rule).
    let temps = h.sensors_temperatures(false).unwrap();
    assert_eq!(temps.len(), 1);
    let z = &temps["acpitz"][0];
    assert_eq!(
        (z.label.as_str(), z.current, z.high, z.critical),
        ("", 45.0, Some(105.0), Some(105.0))
    );
    let f = &h.sensors_temperatures(true).unwrap()["acpitz"][0];
    assert_eq!((f.current, f.critical), (113.0, Some(221.0)));
    assert!(h.sensors_fans().unwrap().is_empty());
    assert_eq!(h.sensors_battery().unwrap(), None);
}

#[test]
fn old_kernel_cgroup_v1() {
    let h = fixture("linux-2.6.18-rhel5");
    let m = h.cgroup_memory(None).unwrap();
    assert_eq!((m.version, m.current, m.max), (1, 104857600, None));
    assert_eq!(m.stat["rss"], 2000);
    let c = h.cgroup_cpu(None).unwrap();
    assert_eq!(
        (c.version, c.quota_us, c.period_us, c.limit),
        (1, None, 100000, None)
    );
    assert_eq!(c.usage_usec, Some(5_000_000));
}

// ------------------------------------------------------------------ Linux 6.8 laptop

#[test]
fn laptop_cpu_offline_cpu_excluded() {
    let h = fixture("linux-6.8-laptop");
    let t = h.cpu_times().unwrap();
    assert_eq!(t.guest_nice, Some(10.0 / clk()));
    assert_eq!(h.cpu_times_percpu().unwrap().len(), 3);
    assert_eq!(h.cpu_count().unwrap(), Some(3), "online list 0-1,3");
    assert_eq!(
        h.cpu_count_physical().unwrap(),
        Some(2),
        "two distinct core_cpus_list"
    );
    assert_eq!(h.cpu_stats().unwrap().soft_interrupts, 424242);
    let f = h.cpu_freq_percpu().unwrap();
    assert_eq!(
        f.iter().map(|f| f.current).collect::<Vec<_>>(),
        vec![1000.0, 1100.0, 1300.0]
    );
    assert!(f.iter().all(|f| f.min == 400.0 && f.max == 5100.0));
    let avg = h.cpu_freq().unwrap().unwrap();
    assert!((avg.current - 3400.0 / 3.0).abs() < 1e-9);
    let info = h.cpu_info().unwrap();
    assert_eq!(info.model_name.as_deref(), Some("AMD Ryzen 7 7840U"));
    assert_eq!(info.flags, vec!["fpu", "sse2", "avx2"]);
    let sizes: Vec<_> = info
        .caches
        .iter()
        .map(|c| (c.level, c.kind.as_str(), c.size))
        .collect();
    assert_eq!(
        sizes,
        vec![
            (1, "Data", 32 * KB),
            (1, "Instruction", 32 * KB),
            (2, "Unified", 1024 * KB),
            (3, "Unified", 16384 * KB)
        ]
    );
}

#[test]
fn laptop_memavailable_zero_uses_estimate() {
    let h = fixture("linux-6.8-laptop");
    let m = h.virtual_memory().unwrap();
    let low = 25000 * page();
    let (free, pagecache, sr) = (4000000 * KB, 5000000 * KB, 600000 * KB);
    let expect = free - low + (pagecache - (pagecache / 2).min(low)) + (sr - (sr / 2).min(low));
    assert_eq!(m.available, expect);
    assert_ne!(m.available, 0);
    let s = h.swap_memory().unwrap();
    assert_eq!(
        (s.used, s.percent, s.sin, s.sout),
        (0, 0.0, 0, 0),
        "no pswpin lines: 0"
    );
}

#[test]
fn laptop_diskstats_18_and_20_fields() {
    let h = fixture("linux-6.8-laptop");
    let per = h.disk_io_counters_perdisk(false).unwrap();
    assert_eq!(per.len(), 5);
    assert_eq!(per["nvme0n1"].busy_time, 700);
    assert_eq!(per["nvme1n1"].read_bytes, 2000 * 512);
    assert_eq!(per["dm-0"].write_count, 60);
    let t = h.disk_io_counters(false).unwrap().unwrap();
    assert_eq!(
        t.read_count,
        1000 + 100 + 50,
        "nvme0n1p1 is not counted again"
    );
    assert_eq!(t.busy_time, 700 + 70 + 30);
    let parts = h.disk_partitions(false).unwrap();
    assert_eq!(
        parts.iter().map(|p| p.fstype.as_str()).collect::<Vec<_>>(),
        vec!["btrfs", "vfat"]
    );
}

#[test]
fn laptop_hwmon_duplicates_missing_label_and_input() {
    let h = fixture("linux-6.8-laptop");
    let temps = h.sensors_temperatures(false).unwrap();
    let keys: Vec<_> = temps.keys().cloned().collect();
    assert_eq!(
        keys,
        vec!["coretemp", "nvme", "nvme-1"],
        "two NVMe chips stay distinct"
    );
    let n = &temps["nvme"][0];
    assert_eq!(
        (n.label.as_str(), n.current, n.high, n.critical),
        ("Composite", 38.85, Some(81.85), Some(84.85))
    );
    assert_eq!(temps["nvme-1"][0].current, 41.85);
    let core = &temps["coretemp"];
    assert_eq!(core.len(), 2, "temp3 has no _input: skipped");
    assert_eq!(
        (core[0].label.as_str(), core[0].high, core[0].critical),
        ("Package id 0", Some(100.0), Some(100.0))
    );
    assert_eq!(
        (core[1].label.as_str(), core[1].current, core[1].critical),
        ("", 50.0, Some(90.0))
    );
    let fans = h.sensors_fans().unwrap();
    let tp = &fans["thinkpad"];
    assert_eq!(
        tp.iter()
            .map(|f| (f.label.as_str(), f.current))
            .collect::<Vec<_>>(),
        vec![("", 2900), ("Fan 2", 3100)]
    );
}

#[test]
fn batteries_energy_charge_capacity() {
    let b = fixture("linux-6.8-laptop")
        .sensors_battery()
        .unwrap()
        .unwrap();
    assert_eq!(
        (b.percent, b.secsleft, b.power_plugged),
        (50.0, BatteryTime::Seconds(10800), Some(false))
    );
    let b = fixture("battery-charge")
        .sensors_battery()
        .unwrap()
        .unwrap();
    assert_eq!(
        (b.percent, b.secsleft, b.power_plugged),
        (25.0, BatteryTime::Unlimited, Some(true))
    );
    let b = fixture("battery-capacity")
        .sensors_battery()
        .unwrap()
        .unwrap();
    assert_eq!(
        (b.percent, b.secsleft, b.power_plugged),
        (87.0, BatteryTime::Seconds(5400), Some(false))
    );
    assert_eq!(serde_json::to_value(b).unwrap()["secsleft"], 5400);
}

#[test]
fn laptop_cgroup_v2() {
    let h = fixture("linux-6.8-laptop");
    let m = h.cgroup_memory(None).unwrap();
    assert_eq!(
        (m.version, m.current, m.max, m.high),
        (2, 524288000, Some(1 << 30), None)
    );
    assert_eq!((m.swap_current, m.swap_max), (Some(0), None));
    assert_eq!(m.stat["anon"], 300000000);
    assert!(m.path.ends_with("user.slice/app.scope"));
    let c = h.cgroup_cpu(None).unwrap();
    assert_eq!(
        (c.quota_us, c.period_us, c.limit),
        (Some(150000), 100000, Some(1.5))
    );
    assert_eq!(
        (c.usage_usec, c.nr_throttled, c.throttled_usec),
        (Some(9_000_000), Some(7), Some(35000))
    );
    let c2 = h.cgroup_cpu(Some("/user.slice/app.scope")).unwrap();
    assert_eq!(c2, c);
    // A named cgroup that does not exist is an error naming it, never the root's values
    // (the root has cpu.stat too).
    for e in [
        h.cgroup_memory(Some("/nope")).unwrap_err(),
        h.cgroup_cpu(Some("/nope")).unwrap_err(),
    ] {
        assert!(e.to_string().contains("nope"), "{e}");
    }
    assert!(matches!(
        h.cgroup_cpu(Some("/user.slice/../..")),
        Err(pskit::Error::InvalidArgument(_))
    ));
}

// ------------------------------------------------------------------ errors

#[test]
fn net_if_stats_skips_interfaces_that_vanished_before_the_ioctl() {
    // The fixture's net/dev lists `lo` (there on every machine) and `wlp2s0` (absent
    // here): the ioctls on the missing one answer ENODEV, which means "gone since the
    // listing", so it is left out rather than failing the call.
    assert!(!std::path::Path::new("/sys/class/net/wlp2s0").exists());
    let stats = fixture("linux-6.8-laptop").net_if_stats().unwrap();
    assert_eq!(stats.keys().collect::<Vec<_>>(), vec!["lo"]);
    assert!(stats["lo"].isup);
}

#[test]
fn zero_mem_total_and_free_above_total_do_not_wrap() {
    let h = fixture("bogus-meminfo");
    let m = h.virtual_memory().unwrap();
    assert_eq!((m.total, m.used, m.percent), (0, 0, 0.0));
    let s = h.swap_memory().unwrap();
    assert_eq!((s.total, s.used, s.percent), (0, 0, 0.0));
}

#[test]
fn empty_or_missing_proc_gives_errors_not_panics() {
    for h in [
        fixture("empty-proc"),
        Host::with_roots("/nonexistent/proc", "/nonexistent/sys"),
    ] {
        let e = h.cpu_times().unwrap_err();
        assert!(e.to_string().contains("proc"), "{e}");
        assert!(h.cpu_times_percpu().is_err());
        assert!(h.cpu_stats().is_err());
        assert!(h.getloadavg().is_err());
        assert!(h.boot_time().is_err());
        let e = h.virtual_memory().unwrap_err();
        assert!(e.to_string().contains("proc"), "{e}");
        assert!(h.swap_memory().is_err());
        assert!(h.swap_devices().is_err());
        assert!(h.disk_partitions(false).is_err());
        assert!(h.disk_io_counters(true).is_err());
        assert!(h.net_io_counters(true).is_err());
        assert!(h.net_if_stats().is_err());
        assert!(h.cpu_info().is_err());
        assert!(h.cgroup_memory(None).is_err());
        assert_eq!(h.cpu_count().unwrap(), None);
        assert!(h.cpu_freq_percpu().unwrap().is_empty());
        assert!(h.sensors_temperatures(false).unwrap().is_empty());
        assert_eq!(h.sensors_battery().unwrap(), None);
    }
}

#[test]
fn garbage_files_are_parse_errors() {
    let dir = temp_tree("garbage");
    std::fs::create_dir_all(dir.join("proc")).unwrap();
    std::fs::write(dir.join("proc/stat"), "not a stat file\n").unwrap();
    std::fs::write(dir.join("proc/meminfo"), "MemFree: 5 kB\n").unwrap();
    std::fs::write(dir.join("proc/loadavg"), "x y z\n").unwrap();
    let h = Host::with_roots(dir.join("proc"), dir.join("sys"));
    assert!(matches!(h.cpu_times(), Err(pskit::Error::Parse { .. })));
    assert!(matches!(
        h.virtual_memory(),
        Err(pskit::Error::Parse { .. })
    ));
    assert!(matches!(h.getloadavg(), Err(pskit::Error::Parse { .. })));
    let _ = std::fs::remove_dir_all(&dir);
}

fn temp_tree(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pskit-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

// ------------------------------------------------------------------ wrap-around

#[test]
fn net_and_disk_counters_that_wrap_stay_monotonic() {
    let dir = temp_tree("wrap");
    let proc = dir.join("proc");
    std::fs::create_dir_all(proc.join("net")).unwrap();
    let head = "Inter-|\n face |\n";
    let dev = |rx: u64| format!("{head}  eth0: {rx} 1 0 0 0 0 0 0 10 1 0 0 0 0 0 0\n");
    let disk = |r: u64| format!("8 0 sda {r} 0 0 0 0 0 0 0 0 0 0\n");
    std::fs::create_dir_all(dir.join("sys/block/sda")).unwrap();
    let h = Host::with_roots(&proc, dir.join("sys"));

    std::fs::write(proc.join("net/dev"), dev(4_294_967_000)).unwrap();
    std::fs::write(proc.join("diskstats"), disk(4_294_967_000)).unwrap();
    assert_eq!(
        h.net_io_counters(true).unwrap().unwrap().bytes_recv,
        4_294_967_000
    );
    assert_eq!(
        h.disk_io_counters(true).unwrap().unwrap().read_count,
        4_294_967_000
    );
    // The 32-bit counters wrapped.
    std::fs::write(proc.join("net/dev"), dev(100)).unwrap();
    std::fs::write(proc.join("diskstats"), disk(100)).unwrap();
    assert_eq!(
        h.net_io_counters(true).unwrap().unwrap().bytes_recv,
        4_294_967_100
    );
    assert_eq!(
        h.disk_io_counters_perdisk(true).unwrap()["sda"].read_count,
        4_294_967_100
    );
    // nowrap=false gives the raw value.
    assert_eq!(h.net_io_counters(false).unwrap().unwrap().bytes_recv, 100);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn serialized_names_are_psutils() {
    let h = fixture("linux-6.8-laptop");
    let v = serde_json::to_value(h.virtual_memory().unwrap()).unwrap();
    let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "active",
            "available",
            "buffers",
            "cached",
            "free",
            "inactive",
            "percent",
            "shared",
            "slab",
            "total",
            "used"
        ]
    );
    let d = serde_json::to_value(h.disk_io_counters(false).unwrap().unwrap()).unwrap();
    assert!(d.get("read_merged_count").is_some() && d.get("busy_time").is_some());
    assert_eq!(serde_json::to_value(NicDuplex::Unknown).unwrap(), 0);
    assert_eq!(
        serde_json::to_value(pskit::ConnectionStatus::CloseWait).unwrap(),
        "CLOSE_WAIT"
    );
    let back: pskit::VirtualMemory = serde_json::from_value(v).unwrap();
    assert_eq!(back, h.virtual_memory().unwrap());
}

// ------------------------------------------------------------------ kept descriptors

/// The local host keeps /proc/stat, meminfo, diskstats and net/dev open and re-reads them
/// at offset 0; a relocated root of plain files is opened on every read, so a fixture
/// changed between two calls is seen changed.
#[test]
fn a_relocated_root_is_reread_on_every_call() {
    let dir = tempfile::tempdir().unwrap();
    let meminfo = |total: u64| {
        format!("MemTotal: {total} kB\nMemFree: 100 kB\nMemAvailable: 200 kB\nBuffers: 0 kB\nCached: 0 kB\n")
    };
    std::fs::write(dir.path().join("meminfo"), meminfo(1000)).unwrap();
    let h = Host::with_roots(dir.path(), dir.path().join("sys"));
    assert_eq!(h.virtual_memory().unwrap().total, 1000 * KB);
    std::fs::write(dir.path().join("meminfo"), meminfo(2000)).unwrap();
    assert_eq!(h.virtual_memory().unwrap().total, 2000 * KB);
}

#[test]
fn kept_descriptors_give_fresh_values() {
    let h = Host::local();
    // CPU time moves on while this thread spins.
    let before = h.cpu_times().unwrap();
    let t0 = std::time::Instant::now();
    while t0.elapsed() < std::time::Duration::from_millis(200) {
        std::hint::black_box(0u64.wrapping_add(1));
    }
    let after = h.cpu_times().unwrap();
    assert!(after.user + after.system > before.user + before.system);
    // Loopback counters follow traffic this test sends.
    let lo = |h: &Host| h.net_io_counters_pernic(false).unwrap()["lo"].packets_sent;
    let sent = lo(&h);
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for _ in 0..10 {
        sock.send_to(b"x", sock.local_addr().unwrap()).unwrap();
    }
    assert!(lo(&h) >= sent + 10);
}

#[test]
fn cpu_freq_keeps_one_entry_per_online_cpu_when_one_lacks_cpufreq() {
    let dir = tempfile::tempdir().unwrap();
    let (proc_root, sys) = (dir.path().join("proc"), dir.path().join("sys"));
    std::fs::create_dir_all(&proc_root).unwrap();
    std::fs::write(
        proc_root.join("cpuinfo"),
        "processor\t: 0\ncpu MHz\t\t: 1000.000\n\nprocessor\t: 1\ncpu MHz\t\t: 2000.000\n\n\
         processor\t: 2\ncpu MHz\t\t: 3000.000\n\n",
    )
    .unwrap();
    let cpus = sys.join("devices/system/cpu");
    std::fs::create_dir_all(&cpus).unwrap();
    std::fs::write(cpus.join("online"), "0-2\n").unwrap();
    for cpu in [0, 2] {
        let f = cpus.join(format!("cpu{cpu}/cpufreq"));
        std::fs::create_dir_all(&f).unwrap();
        for (file, khz) in [
            ("scaling_cur_freq", 1_500_000),
            ("scaling_min_freq", 400_000),
            ("scaling_max_freq", 4_000_000),
        ] {
            std::fs::write(f.join(file), format!("{khz}\n")).unwrap();
        }
    }
    std::fs::create_dir_all(cpus.join("cpu1")).unwrap();
    let f = Host::with_roots(&proc_root, &sys)
        .cpu_freq_percpu()
        .unwrap();
    // cpu1 has no cpufreq: its entry comes from cpuinfo, without bounds; the current
    // values are cpuinfo's for all three, as psutil does when the counts agree.
    assert_eq!(
        f.iter()
            .map(|f| (f.current, f.min, f.max))
            .collect::<Vec<_>>(),
        vec![
            (1000.0, 400.0, 4000.0),
            (2000.0, 0.0, 0.0),
            (3000.0, 400.0, 4000.0)
        ]
    );
}
