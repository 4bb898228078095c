/// The version of Dwell, in one place: `dwell --version`, `dwelld --version` and the Debian
/// package (`packaging/build-deb.sh` reads this line) all take it from here.
public enum DwellVersion {
    public static let current = "0.1.0"
}
