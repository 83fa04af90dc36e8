/// Decides the demo's next change from the current sources and a seeded generator; pure, so the
/// same seed and sources always give the same plan.
///
/// It keeps two to five sources live, and frob names unique across all sources (deleted ones
/// included, since they may be re-created), so the catalog never sees two frobs with one name.
enum DemoPlanner {
    static let words = [
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
        "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
    ]
    static let owners = ["team-a", "team-b", "team-c"]
    static let lifecycles = ["experimental", "production", "deprecated"]
    static let systems = ["frobnication", "widgetry"]
    static let minimumLive = 2
    static let maximumLive = 5
    static let maximumFrobs = 4

    /// The next change and the line that describes it.
    static func next(_ sources: [SourceSnapshot], using rng: inout SeededGenerator) -> (line: String, FrobSourceMutation) {
        let live = sources.filter { !$0.isDeleted }
        let deleted = sources.filter(\.isDeleted)
        var names = NamePool(used: Set(sources.flatMap { $0.frobs.map(\.name) }))
        if live.count < minimumLive {
            if !deleted.isEmpty, rng.below(2) == 0 { return recreate(rng.pick(deleted)) }
            return add(sources, names: &names, using: &rng)
        }
        switch rng.below(100) {
        case 0..<20 where live.count < maximumLive:
            return add(sources, names: &names, using: &rng)
        case 70..<85 where live.count > minimumLive:
            let source = rng.pick(live)
            return ("deleted source \(source.id) (\(list(source.frobs)))", .delete(id: source.id))
        case 85..<100 where !deleted.isEmpty && live.count < maximumLive:
            return recreate(rng.pick(deleted))
        default:
            return modify(rng.pick(live), names: &names, using: &rng)
        }
    }

    private static func add(
        _ sources: [SourceSnapshot], names: inout NamePool, using rng: inout SeededGenerator
    ) -> (line: String, FrobSourceMutation) {
        let id = String((sources.compactMap { Int($0.id) }.max() ?? 0) + 1)
        let frobs = (0..<(1 + rng.below(3))).map { _ in makeFrob(names.fresh(using: &rng), using: &rng) }
        return ("added source \(id) with \(list(frobs))", .put(id: id, frobs: frobs))
    }

    private static func recreate(_ source: SourceSnapshot) -> (line: String, FrobSourceMutation) {
        ("re-created source \(source.id) with \(list(source.frobs))", .put(id: source.id, frobs: source.frobs))
    }

    private static func modify(
        _ source: SourceSnapshot, names: inout NamePool, using rng: inout SeededGenerator
    ) -> (line: String, FrobSourceMutation) {
        var frobs = source.frobs
        let id = source.id
        var edit = frobs.isEmpty ? Edit.addFrob : rng.pick(Edit.allCases)
        if edit == .addFrob, frobs.count >= maximumFrobs { edit = .rename }
        if edit == .removeFrob, frobs.count <= 1 { edit = .lifecycle }
        switch edit {
        case .addFrob:
            let frob = makeFrob(names.fresh(using: &rng), using: &rng)
            frobs.append(frob)
            return ("added \(frob.name) to source \(id)", .put(id: id, frobs: frobs))
        case .removeFrob:
            let removed = frobs.remove(at: rng.below(frobs.count))
            return ("removed \(removed.name) from source \(id)", .put(id: id, frobs: frobs))
        case .lifecycle:
            let index = rng.below(frobs.count)
            let current = frobs[index].lifecycle ?? "experimental"
            let lifecycle = rng.pick(lifecycles.filter { $0 != current })
            frobs[index].lifecycle = lifecycle
            return ("\(frobs[index].name) in source \(id) is now \(lifecycle)", .put(id: id, frobs: frobs))
        case .rename:
            let index = rng.below(frobs.count)
            let old = frobs[index].name
            let new = names.fresh(using: &rng)
            frobs[index].name = new
            frobs[index].title = title(for: new)
            return ("renamed \(old) to \(new) in source \(id)", .put(id: id, frobs: frobs))
        }
    }

    private enum Edit: CaseIterable { case rename, lifecycle, addFrob, removeFrob }

    private static func makeFrob(_ name: String, using rng: inout SeededGenerator) -> Frob {
        Frob(name: name, owner: rng.pick(owners), lifecycle: rng.pick(lifecycles), title: title(for: name),
             description: "A frob the demo made.", system: rng.pick(systems), tags: ["demo"])
    }

    /// `frob-alpha-2` → `Frob Alpha 2`.
    static func title(for name: String) -> String {
        name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    private static func list(_ frobs: [Frob]) -> String {
        frobs.isEmpty ? "no frobs" : frobs.map(\.name).joined(separator: ", ")
    }

    /// Frob names not used by any source: `frob-<word>`, then `frob-<word>-2`, `-3`, … once the
    /// words run out.
    struct NamePool {
        var used: Set<String>

        mutating func fresh(using rng: inout SeededGenerator) -> String {
            let free = DemoPlanner.words.map { "frob-\($0)" }.filter { !used.contains($0) }
            var name: String
            if free.isEmpty {
                let word = rng.pick(DemoPlanner.words)
                var suffix = 2
                repeat {
                    name = "frob-\(word)-\(suffix)"
                    suffix += 1
                } while used.contains(name)
            } else {
                name = rng.pick(free)
            }
            used.insert(name)
            return name
        }
    }
}
