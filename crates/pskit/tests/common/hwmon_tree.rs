//! A fixture /sys with hwmon chips laid out as the kernel does: `class/hwmon/hwmonN`
//! links (relative, as sysfs makes them) to directories under their devices, `device`
//! links. Shared by the library's and the exporter's hwmon tests.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

/// Creates `{sys}/devices/{hwmon}` with `files`, links `{sys}/class/hwmon/<last>` to it
/// (relative, as sysfs does) and, when given, its `device` link.
pub fn chip(sys: &Path, hwmon: &str, device_link: Option<&str>, files: &[(&str, &str)]) {
    let dir = sys.join("devices").join(hwmon);
    fs::create_dir_all(&dir).unwrap();
    for (name, content) in files {
        fs::write(dir.join(name), format!("{content}\n")).unwrap();
    }
    if let Some(target) = device_link {
        symlink(target, dir.join("device")).unwrap();
    }
    let class = sys.join("class/hwmon");
    fs::create_dir_all(&class).unwrap();
    let last = Path::new(hwmon).file_name().unwrap();
    symlink(Path::new("../../devices").join(hwmon), class.join(last)).unwrap();
}

/// A desktop (Linux 6.x): coretemp, k10temp, an NVMe drive, an it87 Super I/O chip
/// with its sensors in the device directory (older drivers, no `name` file), two
/// virtual chips with one name, one of them with a sensor file that cannot be read.
pub fn desktop(sys: &Path) {
    fs::create_dir_all(sys.join("devices/platform/coretemp.0")).unwrap();
    chip(
        sys,
        "platform/coretemp.0/hwmon/hwmon3",
        Some("../../../coretemp.0"),
        &[
            ("name", "coretemp"),
            ("temp1_input", "45000"),
            ("temp1_label", "Package id 0"),
            ("temp1_max", "100000"),
            ("temp1_crit", "105000"),
            ("temp1_crit_alarm", "0"),
            ("temp2_input", "43500"),
            ("temp2_label", "Core 0"),
        ],
    );
    let pci = "pci0000:00/0000:00:18.3";
    fs::create_dir_all(sys.join("devices").join(pci)).unwrap();
    chip(
        sys,
        &format!("{pci}/hwmon/hwmon1"),
        Some("../../../0000:00:18.3"),
        &[("name", "k10temp"), ("temp1_input", "51250")],
    );
    let nvme = "pci0000:00/0000:00:01.3/0000:01:00.0/nvme/nvme0";
    fs::create_dir_all(sys.join("devices").join(nvme)).unwrap();
    chip(
        sys,
        &format!("{nvme}/hwmon0"),
        Some("../../nvme0"),
        &[
            ("name", "nvme"),
            ("temp1_input", "38850"),
            ("temp1_label", "Composite"),
        ],
    );
    let it87 = sys.join("devices/platform/it87.656");
    fs::create_dir_all(&it87).unwrap();
    fs::write(it87.join("fan1_input"), "1200\n").unwrap();
    fs::write(it87.join("temp1_input"), "30000\n").unwrap();
    chip(
        sys,
        "platform/it87.656/hwmon/hwmon7",
        Some("../../../it87.656"),
        &[],
    );
    chip(
        sys,
        "virtual/hwmon/hwmon5",
        None,
        &[("name", "fake"), ("temp1_input", "20000")],
    );
    chip(
        sys,
        "virtual/hwmon/hwmon6",
        None,
        &[("name", "fake"), ("temp1_input", "21000")],
    );
    // A directory where a sensor file should be: reading it fails (EISDIR).
    fs::create_dir_all(sys.join("devices/virtual/hwmon/hwmon6/temp9_input")).unwrap();
}
