//! The user's settings, kept in local storage between visits: theme, time zone, whether the
//! loaded data is kept in the browser (and up to what size), and whether the trace list is
//! folded away. Parsing is lenient (an unknown or broken line keeps its default), writing is
//! canonical, so a setting saved by an older or newer build never breaks the page.

/// Light, dark, or whatever the system prefers (`prefers-color-scheme`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub fn name(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Theme::System => "Follow the system",
            Theme::Light => "Light",
            Theme::Dark => "Dark",
        }
    }

    pub fn parse(s: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.name() == s)
    }

    /// The theme to draw with, given whether the system prefers dark: `"light"` or `"dark"`.
    pub fn resolve(self, system_prefers_dark: bool) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::System if system_prefers_dark => "dark",
            Theme::System => "light",
        }
    }
}

/// Which clock absolute times are shown in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum TimeZone {
    #[default]
    Utc,
    /// The browser's own zone.
    Local,
    /// An IANA zone name such as `America/New_York`.
    Named(String),
}

impl TimeZone {
    /// `utc`, `local`, or the IANA name.
    pub fn name(&self) -> &str {
        match self {
            TimeZone::Utc => "utc",
            TimeZone::Local => "local",
            TimeZone::Named(name) => name,
        }
    }

    /// Reads what [`TimeZone::name`] wrote. A named zone must look like an IANA name (letters,
    /// digits, `/ _ - +`); whether the browser knows it is checked where it is used.
    pub fn parse(s: &str) -> Option<TimeZone> {
        let s = s.trim();
        match s {
            "" => None,
            "utc" | "UTC" => Some(TimeZone::Utc),
            "local" => Some(TimeZone::Local),
            _ if s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c)) => {
                Some(TimeZone::Named(s.to_string()))
            }
            _ => None,
        }
    }
}

/// The default limit of the kept dataset, in MB.
pub const DEFAULT_KEEP_LIMIT_MB: u32 = 200;
/// The largest limit the settings accept, in MB (browsers give an origin a share of the disk,
/// and restoring needs the dataset in memory twice for a moment).
pub const MAX_KEEP_LIMIT_MB: u32 = 2_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub theme: Theme,
    pub time_zone: TimeZone,
    /// Keep the loaded data in this browser and restore it on the next visit.
    pub keep_data: bool,
    /// The kept data's size limit in MB; the oldest traces beyond it are not kept.
    pub keep_limit_mb: u32,
    /// The trace list is folded into one line above the trace.
    pub list_collapsed: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            theme: Theme::System,
            time_zone: TimeZone::Utc,
            keep_data: true,
            keep_limit_mb: DEFAULT_KEEP_LIMIT_MB,
            list_collapsed: false,
        }
    }
}

impl Settings {
    /// Where they live in local storage.
    pub const STORAGE_KEY: &'static str = "strand.settings";

    /// Reads the stored form: `key=value` lines; unknown keys and bad values keep defaults.
    pub fn parse(text: &str) -> Settings {
        let mut s = Settings::default();
        for line in text.lines() {
            let Some((key, value)) = line.split_once('=') else { continue };
            let value = value.trim();
            match key.trim() {
                "theme" => s.theme = Theme::parse(value).unwrap_or(s.theme),
                "time-zone" => s.time_zone = TimeZone::parse(value).unwrap_or(s.time_zone),
                "keep-data" => s.keep_data = value != "off",
                "keep-limit-mb" => {
                    if let Ok(mb) = value.parse::<u32>() {
                        s.keep_limit_mb = mb.clamp(1, MAX_KEEP_LIMIT_MB);
                    }
                }
                "list" => s.list_collapsed = value == "collapsed",
                _ => {}
            }
        }
        s
    }

    /// The stored form, one `key=value` per line, always in the same order.
    pub fn serialize(&self) -> String {
        format!(
            "theme={}\ntime-zone={}\nkeep-data={}\nkeep-limit-mb={}\nlist={}\n",
            self.theme.name(),
            self.time_zone.name(),
            if self.keep_data { "on" } else { "off" },
            self.keep_limit_mb,
            if self.list_collapsed { "collapsed" } else { "open" },
        )
    }

    /// The limit in bytes.
    pub fn keep_limit_bytes(&self) -> u64 {
        u64::from(self.keep_limit_mb) * 1_000_000
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn settings_round_trip_and_survive_bad_input() {
        let s = Settings {
            theme: Theme::Dark,
            time_zone: TimeZone::Named("Asia/Kolkata".into()),
            keep_data: false,
            keep_limit_mb: 50,
            list_collapsed: true,
        };
        expect![[r#"
            theme=dark
            time-zone=Asia/Kolkata
            keep-data=off
            keep-limit-mb=50
            list=collapsed
        "#]]
        .assert_eq(&s.serialize());
        assert_eq!(Settings::parse(&s.serialize()), s);
        assert_eq!(Settings::parse(""), Settings::default());
        let odd = Settings::parse("theme=purple\ntime-zone=<script>\nkeep-limit-mb=99999999\nnonsense\nfuture=1\n");
        assert_eq!(odd.theme, Theme::System);
        assert_eq!(odd.time_zone, TimeZone::Utc);
        assert_eq!(odd.keep_limit_mb, MAX_KEEP_LIMIT_MB);
        assert_eq!(Settings::parse("keep-limit-mb=0").keep_limit_mb, 1);
        assert_eq!(Settings::parse("time-zone=local").time_zone, TimeZone::Local);
    }

    #[test]
    fn the_system_theme_follows_the_system() {
        assert_eq!(Theme::System.resolve(true), "dark");
        assert_eq!(Theme::System.resolve(false), "light");
        assert_eq!(Theme::Light.resolve(true), "light");
        assert_eq!(Theme::Dark.resolve(false), "dark");
    }
}
