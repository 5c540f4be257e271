//! The masking setting: what exports, downloads and copied JSON mask before they leave the tab
//! (`view::export::mask`): nothing, the default rules, or the user's own rule list. Kept in local
//! storage so it holds for the next export too. [`set`] is what `Action::SetMask` does.
//!
//! Stored form: the mode (`off`, `defaults`, `custom`) on the first line, the custom rule list on
//! the second (kept even while another mode is chosen, so switching back finds it). Reading is
//! lenient: an unknown mode is `off`.

use crate::app::{App, Effect};
use strand_view::export::mask::Mask;

/// Which rules apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MaskMode {
    /// Nothing is masked: exports are the data as read.
    #[default]
    Off,
    /// The default rules (`mask::DEFAULT_RULES`).
    Defaults,
    /// The rule list the user wrote.
    Custom,
}

impl MaskMode {
    pub const ALL: [MaskMode; 3] = [MaskMode::Off, MaskMode::Defaults, MaskMode::Custom];

    pub fn name(self) -> &'static str {
        match self {
            MaskMode::Off => "off",
            MaskMode::Defaults => "defaults",
            MaskMode::Custom => "custom",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MaskMode::Off => "No masking",
            MaskMode::Defaults => "Default rules (secrets and personal data)",
            MaskMode::Custom => "My rules",
        }
    }

    pub fn parse(name: &str) -> Option<MaskMode> {
        MaskMode::ALL.into_iter().find(|m| m.name() == name.trim())
    }
}

/// The rules a fresh custom list starts from: the defaults, with room for exceptions.
pub const CUSTOM_START: &str = "defaults";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaskSetting {
    pub mode: MaskMode,
    /// The custom rule list as written (`defaults,-user.id,literals:sql.query`).
    pub custom: String,
}

impl Default for MaskSetting {
    fn default() -> Self {
        MaskSetting { mode: MaskMode::Off, custom: CUSTOM_START.to_string() }
    }
}

impl MaskSetting {
    /// The rules in force, or what is wrong with the custom list.
    pub fn mask(&self) -> Result<Mask, String> {
        match self.mode {
            MaskMode::Off => Ok(Mask::none()),
            MaskMode::Defaults => Ok(Mask::defaults()),
            MaskMode::Custom => Mask::parse(&self.custom),
        }
    }

    pub fn parse(stored: &str) -> MaskSetting {
        let mut lines = stored.lines();
        let mode = lines.next().and_then(MaskMode::parse).unwrap_or_default();
        let custom = lines.next().map(str::trim).filter(|c| !c.is_empty()).unwrap_or(CUSTOM_START).to_string();
        MaskSetting { mode, custom }
    }

    pub fn serialize(&self) -> String {
        let custom: String = self.custom.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        format!("{}\n{}", self.mode.name(), custom.trim())
    }
}

/// `Action::SetMask`: a custom list that does not read is kept as written (the form shows why
/// and exports wait for a fix), so typing never loses text.
pub(crate) fn set(app: &mut App, setting: MaskSetting) -> Vec<Effect> {
    app.mask = setting;
    vec![Effect::SaveMask(app.mask.serialize())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_give_their_rules() {
        let off = MaskSetting::default();
        assert!(off.mask().unwrap().is_empty());
        let defaults = MaskSetting { mode: MaskMode::Defaults, ..off.clone() };
        assert_eq!(defaults.mask().unwrap(), Mask::defaults());
        let custom = MaskSetting { mode: MaskMode::Custom, custom: "user.*, -user.id".into() };
        assert_eq!(custom.mask().unwrap().spec(), "user.*,-user.id");
        let broken = MaskSetting { mode: MaskMode::Custom, custom: "literals:".into() };
        assert!(broken.mask().unwrap_err().contains("needs a key or a pattern"));
    }

    #[test]
    fn the_core_reads_the_saved_setting_and_saves_changes() {
        use crate::app::{Action, Env};
        let env = Env { saved_mask: Some("defaults\nuser.*".into()), ..Env::default() };
        let (mut app, _) = App::open(Default::default(), env);
        assert_eq!(app.mask, MaskSetting { mode: MaskMode::Defaults, custom: "user.*".into() });
        let effects = app.apply(Action::SetMask(MaskSetting { mode: MaskMode::Custom, custom: "ip:*,".into() }));
        assert_eq!(effects, vec![Effect::SaveMask("custom\nip:*,".into())]);
        assert_eq!(app.mask.mask().unwrap().spec(), "ip:*");
    }

    #[test]
    fn stored_form_round_trips_and_reads_leniently() {
        let setting = MaskSetting { mode: MaskMode::Custom, custom: "defaults,\n-user.id".into() };
        assert_eq!(setting.serialize(), "custom\ndefaults, -user.id");
        assert_eq!(MaskSetting::parse(&setting.serialize()).custom, "defaults, -user.id");
        assert_eq!(MaskSetting::parse("defaults"), MaskSetting { mode: MaskMode::Defaults, ..MaskSetting::default() });
        assert_eq!(MaskSetting::parse("whatever\n"), MaskSetting::default());
        assert_eq!(MaskSetting::parse(""), MaskSetting::default());
    }
}
