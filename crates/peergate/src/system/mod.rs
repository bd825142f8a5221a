//! Everything that touches the operating system: running programs, the WireGuard directory, the
//! LAN. Each boundary is small and tested for real (files in temp dirs, programs that exist).

pub mod conf_files;
pub mod lan;
pub mod run;
