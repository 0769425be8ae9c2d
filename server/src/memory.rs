//! How the process holds memory: malloc's arenas and thresholds, and the
//! code pages start-up touched once.

/// Tunes glibc's malloc before any other thread exists (first thing in
/// `main`). The binary's Rust allocations go to mimalloc
/// ([`tune_mimalloc`]); glibc's serves SQLite and other C code, and Rust's
/// in the tests. Both points below were measured when it served them all.
///
/// - Each password hash takes 19 MiB (argon2id). glibc serves the first
///   such block from `mmap` and gives it back on free, but then raises its
///   mmap threshold, so every later one comes from a heap arena and stays
///   resident: ~20 MB held for good after the first sign-in. A fixed
///   threshold of 1 MiB keeps large blocks on `mmap`, returned as soon as
///   they are freed (bench: peak RSS under load 47–65 MB before).
/// - glibc gives each thread that contends for the heap an arena of its
///   own (up to eight per core), and each arena keeps its freed memory.
///   The two runtime workers and the database connections' threads made
///   six to eight arenas on two cores, 0.3–6 MB resident each. One arena
///   per core: no more threads than that run at once.
pub fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let arenas = libc::c_int::try_from(cores).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only sets a malloc tuning parameter; it is called
        // before any other thread exists.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}

/// mimalloc's `mi_option_purge_delay`, as numbered by the mimalloc 3 that
/// `libmimalloc-sys` builds (its Rust constants stop before it; a test
/// checks the number against the option's default).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Has mimalloc (the binary's global allocator) give freed memory back to
/// the kernel at once. By default it keeps freed pages a second first, and
/// each password hash takes 19 MiB (argon2id): the bench's set-up peaked at
/// 60 MB resident and the invitation load at 64 MB, against 53–55 and
/// 41–42 MB with this. (Transparent huge pages on its arenas, which
/// mimalloc asks for unless built with `no_thp`, made it 80 and 83 MB.)
pub fn tune_mimalloc() {
    // SAFETY: mi_option_set only stores an option's value.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
}

/// Unmaps the pages of the binary's code that are mapped now, once
/// start-up is over; returns the size of the code mapping(s) it dropped.
///
/// Start-up runs code that never runs again (configuration, migrations,
/// the route table, the OpenAPI document), and the kernel maps code 64 KiB
/// around each page a thread first runs, so by the first request ~10 MB of
/// the binary's code is resident that serving does not use. The pages are
/// clean and file-backed: `MADV_DONTNEED` only drops this process's
/// mapping of them (they stay in the kernel's page cache), and the code
/// requests run is mapped again on its first use. Only the executable,
/// read-only mapping of the binary itself is touched: no writable or
/// relocated page, whose contents would be lost.
pub fn drop_start_up_code() -> usize {
    #[cfg(target_os = "linux")]
    {
        let Ok(exe) = std::env::current_exe() else {
            return 0;
        };
        let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else {
            return 0;
        };
        let mut dropped = 0;
        for (start, end) in code_ranges(&maps, &exe.to_string_lossy()) {
            // SAFETY: the range is a whole mapping of this process, private,
            // read-only and executable (the binary's own code): dropping it
            // loses nothing, the next access maps the file's page again.
            let done = unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED)
            };
            if done == 0 {
                dropped += end - start;
            }
        }
        dropped
    }
    #[cfg(not(target_os = "linux"))]
    0
}

/// The `r-xp` mappings of `path` in a `/proc/PID/maps` text.
fn code_ranges<'a>(maps: &'a str, path: &'a str) -> impl Iterator<Item = (usize, usize)> + 'a {
    maps.lines().filter_map(move |line| {
        let mut fields = line.split_whitespace();
        let range = fields.next()?;
        let perms = fields.next()?;
        // The path is all that follows the fifth field (it may hold
        // spaces, or end in " (deleted)").
        let mut file = line;
        for _ in 0..5 {
            file = file.trim_start().split_once(char::is_whitespace)?.1;
        }
        if perms != "r-xp" || file.trim() != path {
            return None;
        }
        let (start, end) = range.split_once('-')?;
        let start = usize::from_str_radix(start, 16).ok()?;
        let end = usize::from_str_radix(end, 16).ok()?;
        (start < end).then_some((start, end))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_mimallocs_purge_delay() {
        // mimalloc 3's purge delay is 1,000 ms by default; no other option
        // near it defaults to that. (The tests' allocator is glibc's, so
        // nothing here has set it.)
        // SAFETY: mi_option_get only reads an option's value.
        let delay = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay, 1_000);
    }

    #[test]
    fn only_the_binarys_executable_mapping_is_a_code_range() {
        let maps = "\
55d0c0000000-55d0c0100000 r--p 00000000 08:01 42 /srv/portico
55d0c0100000-55d0c0300000 r-xp 00100000 08:01 42 /srv/portico
55d0c0300000-55d0c0310000 r--p 00300000 08:01 42 /srv/portico
55d0c0310000-55d0c0320000 rw-p 00310000 08:01 42 /srv/portico
7f0000000000-7f0000100000 r-xp 00000000 08:01 7 /usr/lib/libc.so.6
7f0000200000-7f0000300000 r-xp 00000000 00:00 0
7f0000400000-7f0000500000 r-xp 00000000 08:01 42 /srv/portico (deleted)
";
        let ranges: Vec<_> = code_ranges(maps, "/srv/portico").collect();
        assert_eq!(ranges, vec![(0x55d0c0100000, 0x55d0c0300000)]);
    }

    /// Reads how much of this binary's code is resident, from
    /// `/proc/self/smaps`.
    fn resident_code_kib() -> u64 {
        let exe = std::env::current_exe().unwrap();
        let exe = exe.to_string_lossy();
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut in_code = false;
        let mut kib = 0;
        for line in smaps.lines() {
            let first = line.split_whitespace().next().unwrap_or("");
            if first.contains('-') && !first.ends_with(':') {
                in_code = code_ranges(line, &exe).next().is_some();
            } else if in_code && first == "Rss:" {
                kib += line
                    .split_whitespace()
                    .nth(1)
                    .unwrap()
                    .parse::<u64>()
                    .unwrap();
            }
        }
        kib
    }

    #[test]
    fn dropping_start_up_code_unmaps_code_and_code_still_runs() {
        let before = resident_code_kib();
        assert!(before > 0, "this test binary's code is resident");
        assert!(
            drop_start_up_code() > 0,
            "the binary's code mapping was found"
        );
        let after = resident_code_kib();
        assert!(after < before, "resident code {before} KiB -> {after} KiB");
        // The test kept running through code it had just unmapped: mapped
        // anew from the file, as the server's requests are.
    }
}
