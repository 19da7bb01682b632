//! Enums whose wire values the vendor may extend: unknown values are kept, never a decode error.

/// Declares a string enum that decodes unknown wire values into `Unknown(String)` and encodes
/// every value back exactly as it came, so a new vendor enum value never breaks the widget.
#[macro_export]
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version does not know, kept as the vendor sent it.
            Unknown(String),
        }

        impl $name {
            /// The value as it travels on the wire.
            pub fn as_wire(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Unknown(other) => other,
                }
            }

            /// Reads a wire value; anything unknown is kept, not refused.
            pub fn from_wire(wire: &str) -> Self {
                match wire {
                    $($wire => Self::$variant,)+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_wire())
            }
        }

        impl $crate::wire::FromJson for $name {
            fn from_json<J: $crate::wire::Json>(json: &J) -> Result<Self, $crate::wire::WireError> {
                String::from_json(json).map(|wire| Self::from_wire(&wire))
            }
        }

        $crate::deserialize_via_reader!($name);
    };
}
