using System.Globalization;
using YamlDotNet.RepresentationModel;
using static Bench.Harness.Cluster.ClusterYaml;

namespace Bench.Harness.Cluster;

/// <summary>
/// The objects of one run on Kubernetes, all in the plan's namespace and named <c>bench-RUNID-…</c>:
/// <list type="bullet">
/// <item>a Secret with the token the coordinator and the agents share (<c>BENCH_TOKEN</c>);</item>
/// <item>a ConfigMap with the target file (mounted at /etc/bench/target.yaml) and the coordinator's further
/// <c>bench run</c> arguments, one key each (<c>run-arg-0</c>, …), passed to it as <c>$(BENCH_RUN_ARG_i)</c>;</item>
/// <item>the coordinator: a Job of one pod, never retried, running <c>bench run push --agents N --agents-listen
/// 0.0.0.0:7000 --target /etc/bench/target.yaml --out /results/RUNID ARGS…</c>, beside a second container that keeps the
/// pod (and its emptyDir with the run folder) until the folder is copied out; and a Service in front of port 7000;</item>
/// <item>the agents: an Indexed Job (completions = parallelism = N) of <c>bench agent push</c> with
/// <c>BENCH_COORDINATOR</c> and <c>BENCH_TOKEN</c> (Kubernetes sets <c>JOB_COMPLETION_INDEX</c>); no index is retried
/// (a retried agent would publish its share twice) and a failed index stops no other.</item>
/// </list>
/// </summary>
public static class ClusterManifests
{
    public const string RunIdLabel = "bench/run-id";
    public const string ComponentLabel = "app.kubernetes.io/component";
    public const string CoordinatorContainer = "coordinator";

    /// <summary>The coordinator pod's second container, which holds the run folder until it is copied.</summary>
    public const string KeeperContainer = "results";

    /// <summary>The ConfigMap key of the coordinator's i-th further argument, and the env var it is passed through.</summary>
    public static string ArgKey(int i) => "run-arg-" + i.ToString(CultureInfo.InvariantCulture);

    public static string ArgVariable(int i) => "BENCH_RUN_ARG_" + i.ToString(CultureInfo.InvariantCulture);

    /// <summary>The coordinator's command line (after the image's <c>bench</c> entry point), as its container's args.</summary>
    public static IReadOnlyList<string> CoordinatorArgs(ClusterPlan plan) =>
    [
        "run", "push",
        "--agents", plan.Agents.ToString(CultureInfo.InvariantCulture),
        "--agents-listen", $"0.0.0.0:{ClusterPlan.CoordinatorPort}",
        "--target", $"{ClusterPlan.ConfigFolder}/target.yaml",
        "--out", $"{ClusterPlan.ResultsFolder}/{plan.RunId}",
        .. plan.RunArgs.Select((_, i) => $"$({ArgVariable(i)})"),
    ];

    /// <summary>Every object of the run, in the order they are applied.</summary>
    public static IReadOnlyList<YamlMappingNode> Render(ClusterPlan plan) =>
        [Secret(plan), Config(plan), CoordinatorService(plan), CoordinatorJob(plan), AgentsJob(plan)];

    private static YamlMappingNode Metadata(ClusterPlan plan, string name, string component) => Map(
        ("name", Text(name)),
        ("namespace", Text(plan.Namespace)),
        ("labels", Labels(plan, component)));

    private static YamlMappingNode Labels(ClusterPlan plan, string component) => Map(
        ("app.kubernetes.io/name", Text("bench")),
        ("app.kubernetes.io/instance", Text(plan.Name("run"))),
        (ComponentLabel, Text(component)),
        ("app.kubernetes.io/part-of", Text("bench")),
        ("app.kubernetes.io/managed-by", Text("bench-cluster-run")),
        (RunIdLabel, Text(plan.RunId)));

    private static YamlMappingNode Selects(ClusterPlan plan, string component) =>
        Map((RunIdLabel, Text(plan.RunId)), (ComponentLabel, Text(component)));

    private static YamlMappingNode Secret(ClusterPlan plan) => Map(
        ("apiVersion", Text("v1")),
        ("kind", Text("Secret")),
        ("metadata", Metadata(plan, plan.Name("token"), "token")),
        ("type", Text("Opaque")),
        ("stringData", Map(
            [("token", Text(plan.Token)), .. plan.FileVariables.Select(v => (SecretKey(v.Key), (YamlNode?)Text(v.Value)))])));

    /// <summary>The variable every pod of the run finds its own address in (the downward API's <c>status.podIP</c>).</summary>
    public const string PodAddressVariable = "BENCH_POD_IP";

    private static YamlMappingNode PodAddress() => Map(
        ("name", Text(PodAddressVariable)),
        ("valueFrom", Map(("fieldRef", Map(("fieldPath", Text("status.podIP")))))));

    /// <summary>The key of the run's Secret that holds the target file's variable <paramref name="name"/>.</summary>
    public static string SecretKey(string name) => "env-" + name;

    /// <summary>The target file's variables, each from the run's Secret, for every pod that loads the file.</summary>
    private static IEnumerable<YamlNode> FileVariables(ClusterPlan plan) => plan.FileVariables.Select(v => (YamlNode)Map(
        ("name", Text(v.Key)),
        ("valueFrom", Map(("secretKeyRef", Map(("name", Text(plan.Name("token"))), ("key", Text(SecretKey(v.Key)))))))));

    private static YamlMappingNode Config(ClusterPlan plan)
    {
        var data = new List<(string, YamlNode?)> { ("target.yaml", Text(plan.TargetText)) };
        data.AddRange(plan.RunArgs.Select((a, i) => (ArgKey(i), (YamlNode?)Text(a))));
        return Map(
            ("apiVersion", Text("v1")),
            ("kind", Text("ConfigMap")),
            ("metadata", Metadata(plan, plan.Name("config"), "config")),
            ("data", Map([.. data])));
    }

    private static YamlMappingNode CoordinatorService(ClusterPlan plan) => Map(
        ("apiVersion", Text("v1")),
        ("kind", Text("Service")),
        ("metadata", Metadata(plan, plan.Name("coordinator"), "coordinator")),
        ("spec", Map(
            ("selector", Selects(plan, "coordinator")),
            ("ports", List(Map(
                ("name", Text("agents")),
                ("protocol", Text("TCP")),
                ("port", Number(ClusterPlan.CoordinatorPort)),
                ("targetPort", Text("agents"))))))));

    private static YamlMappingNode CoordinatorJob(ClusterPlan plan)
    {
        var env = new List<YamlNode> { TokenVariable(plan), Variable("HOME", "/tmp"), PodAddress() };
        env.AddRange(FileVariables(plan));
        env.AddRange(plan.RunArgs.Select((_, i) => (YamlNode)Map(
            ("name", Text(ArgVariable(i))),
            ("valueFrom", Map(("configMapKeyRef", Map(("name", Text(plan.Name("config"))), ("key", Text(ArgKey(i))))))))));
        var coordinator = Map(
            ("name", Text(CoordinatorContainer)),
            ("image", Text(plan.Image)),
            ("args", List(CoordinatorArgs(plan).Select(a => (YamlNode)Text(a)))),
            ("env", List(env)),
            ("ports", List(Map(("name", Text("agents")), ("containerPort", Number(ClusterPlan.CoordinatorPort))))),
            ("volumeMounts", List(
                Mount("config", ClusterPlan.ConfigFolder, readOnly: true),
                Mount("results", ClusterPlan.ResultsFolder, readOnly: false),
                Mount("tmp", "/tmp", readOnly: false))),
            ("resources", Resources(plan.CoordinatorCpu, plan.CoordinatorMemory)),
            ("securityContext", ContainerSecurity()));

        // The pod outlives the coordinator's exit while this container runs, so the run folder in its emptyDir can
        // be copied (kubectl cp needs a running container with tar). It ends when the copy leaves the marker, or after
        // the run's timeout and an hour more, whichever is first.
        var hold = (long)plan.Timeout.TotalSeconds + 3600;
        var keeper = Map(
            ("name", Text(KeeperContainer)),
            ("image", Text(plan.Image)),
            ("command", List(Text("/bin/sh"), Text("-c"), Text(
                $"n=0; while [ ! -e {ClusterPlan.ResultsFolder}/{ClusterPlan.CopiedMarker} ] && [ \"$n\" -lt {hold} ]; "
                    + "do sleep 5; n=$((n+5)); done"))),
            ("volumeMounts", List(Mount("results", ClusterPlan.ResultsFolder, readOnly: false))),
            ("resources", Map(
                ("requests", Map(("cpu", Text("10m")), ("memory", Text("16Mi")))),
                ("limits", Map(("memory", Text("64Mi")))))),
            ("securityContext", ContainerSecurity()));

        return Map(
            ("apiVersion", Text("batch/v1")),
            ("kind", Text("Job")),
            ("metadata", Metadata(plan, plan.Name("coordinator"), "coordinator")),
            ("spec", Map(
                ("completions", Number(1)),
                ("parallelism", Number(1)),
                ("backoffLimit", Number(0)), // a second try would be a second run
                ("ttlSecondsAfterFinished", Number(86400)),
                ("template", Map(
                    ("metadata", Map(("labels", Labels(plan, "coordinator")))),
                    ("spec", PodSpec(
                        plan,
                        affinity: null,
                        containers: [coordinator, keeper],
                        volumes:
                        [
                            Map(("name", Text("config")), ("configMap", Map(
                                ("name", Text(plan.Name("config"))),
                                ("items", List(Map(("key", Text("target.yaml")), ("path", Text("target.yaml")))))))),
                            Map(("name", Text("results")), ("emptyDir", new YamlMappingNode())),
                            Map(("name", Text("tmp")), ("emptyDir", new YamlMappingNode())),
                        ])))))));
    }

    private static YamlMappingNode AgentsJob(ClusterPlan plan)
    {
        var agent = Map(
            ("name", Text("agent")),
            ("image", Text(plan.Image)),
            ("args", List(Text("agent"), Text("push"))),
            ("env", List(
            [
                Variable("BENCH_COORDINATOR", $"{plan.Name("coordinator")}:{ClusterPlan.CoordinatorPort}"),
                TokenVariable(plan),
                Variable("HOME", "/tmp"),

                // The pod's own address, for a webhook file's receivers: subscribe.listen: ${env:BENCH_POD_IP}.
                PodAddress(),
                .. FileVariables(plan),
            ])),
            ("volumeMounts", List(Mount("tmp", "/tmp", readOnly: false))),
            ("resources", Resources(plan.AgentCpu, plan.AgentMemory)),
            ("securityContext", ContainerSecurity()));

        // One agent per node where the cluster allows it: the point of agents is more machines.
        var affinity = Map(("podAntiAffinity", Map(("preferredDuringSchedulingIgnoredDuringExecution", List(Map(
            ("weight", Number(100)),
            ("podAffinityTerm", Map(
                ("topologyKey", Text("kubernetes.io/hostname")),
                ("labelSelector", Map(("matchLabels", Selects(plan, "agent"))))))))))));

        return Map(
            ("apiVersion", Text("batch/v1")),
            ("kind", Text("Job")),
            ("metadata", Metadata(plan, plan.Name("agents"), "agent")),
            ("spec", Map(
                ("completionMode", Text("Indexed")),
                ("completions", Number(plan.Agents)),
                ("parallelism", Number(plan.Agents)),
                ("backoffLimitPerIndex", Number(0)),
                ("maxFailedIndexes", Number(plan.Agents)),
                ("podFailurePolicy", Map(("rules", List(
                    Map(("action", Text("FailIndex")), ("onExitCodes", Map(
                        ("containerName", Text("agent")),
                        ("operator", Text("NotIn")),
                        ("values", List(Number(0)))))),
                    Map(("action", Text("FailIndex")), ("onPodConditions", List(Map(
                        ("type", Text("DisruptionTarget")),
                        ("status", Text("True")))))))))),
                ("ttlSecondsAfterFinished", Number(86400)),
                ("template", Map(
                    ("metadata", Map(("labels", Labels(plan, "agent")))),
                    ("spec", PodSpec(plan, affinity, [agent], [Map(("name", Text("tmp")), ("emptyDir", new YamlMappingNode()))])))))));
    }

    private static YamlMappingNode PodSpec(ClusterPlan plan, YamlMappingNode? affinity, YamlNode[] containers, YamlNode[] volumes) => Map(
        ("restartPolicy", Text("Never")),
        ("enableServiceLinks", Bool(false)),
        ("securityContext", Map(
            ("runAsNonRoot", Bool(true)),
            ("runAsUser", Number(ClusterPlan.AppUid)),
            ("runAsGroup", Number(ClusterPlan.AppUid)),
            ("fsGroup", Number(ClusterPlan.AppUid)),
            ("seccompProfile", Map(("type", Text("RuntimeDefault")))))),
        ("nodeSelector", plan.NodeSelector.Count == 0 ? null : Map([.. plan.NodeSelector.Select(l => (l.Key, (YamlNode?)Text(l.Value)))])),
        ("tolerations", plan.Tolerations.Count == 0 ? null : List(plan.Tolerations.Select(t => (YamlNode)Map(
            ("key", Text(t.Key)),
            ("operator", Text(t.Value is null ? "Exists" : "Equal")),
            ("value", t.Value is null ? null : Text(t.Value)),
            ("effect", Text(t.Effect)))))),
        ("affinity", affinity),
        ("containers", List(containers)),
        ("volumes", List(volumes)));

    private static YamlMappingNode ContainerSecurity() => Map(
        ("allowPrivilegeEscalation", Bool(false)),
        ("readOnlyRootFilesystem", Bool(true)),
        ("capabilities", Map(("drop", List(Text("ALL"))))));

    private static YamlMappingNode Resources(string cpu, string memory) => Map(
        ("requests", Map(("cpu", Text(cpu)), ("memory", Text(memory)))),
        ("limits", Map(("memory", Text(memory)))));

    private static YamlMappingNode Mount(string name, string path, bool readOnly) =>
        Map(("name", Text(name)), ("mountPath", Text(path)), ("readOnly", readOnly ? Bool(true) : null));

    private static YamlMappingNode Variable(string name, string value) => Map(("name", Text(name)), ("value", Text(value)));

    private static YamlMappingNode TokenVariable(ClusterPlan plan) => Map(
        ("name", Text("BENCH_TOKEN")),
        ("valueFrom", Map(("secretKeyRef", Map(("name", Text(plan.Name("token"))), ("key", Text("token")))))));
}
