using System.Text.Json;

namespace Bench.Harness.Cluster;

/// <summary>
/// <c>bench cluster run</c>: renders the run's objects (<see cref="ClusterManifests"/>) and either writes them to a
/// folder, or applies them with kubectl, waits for the coordinator's container to end, copies the run folder out of
/// its pod, lets the pod end, deletes the run's objects, and returns the coordinator's exit code.
/// </summary>
public static class ClusterRun
{
    /// <summary>Container states that will not become a running coordinator without someone changing something.</summary>
    private static readonly string[] Stuck =
        ["ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError"];

    private const string NoPod = "no pod yet";

    /// <summary>The manifests' file in <paramref name="folder"/>: <c>bench-RUNID.yaml</c>.</summary>
    public static string RenderTo(ClusterPlan plan, string folder)
    {
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, plan.Name("run") + ".yaml");
        // The run's Secret is in it (the token, and the target file's variables): readable by the owner only.
        var text = ClusterYaml.Write(ClusterManifests.Render(plan));
        if (OperatingSystem.IsWindows())
        {
            File.WriteAllText(file, text);
            return file;
        }

        File.Delete(file); // a file kept from before would keep its mode
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = ownerOnly };
        using (var stream = new FileStream(file, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
        }

        return file;
    }

    public static async Task<int> RunAsync(ClusterPlan plan, IKubectl kubectl, TextWriter output, TextWriter error,
        CancellationToken ct, TimeSpan? pollInterval = null)
    {
        if (plan.Render is { } folder)
        {
            var file = RenderTo(plan, folder);
            output.WriteLine($"run {plan.RunId}: {plan.Agents} agents and a coordinator in namespace {plan.Namespace}, written to {file}");
            return ExitCodes.Ok;
        }

        if (Directory.Exists(plan.Out) && Directory.EnumerateFileSystemEntries(plan.Out).Any())
        {
            throw new UsageException($"--out: '{plan.Out}' already holds files; the run folder is copied to a new or empty one");
        }

        var applied = false;
        try
        {
            var apply = await kubectl.RunAsync(["apply", "-f", "-"], ClusterYaml.Write(ClusterManifests.Render(plan)), ct)
                .ConfigureAwait(false);
            applied = true;
            if (apply.ExitCode != 0)
            {
                error.WriteLine($"kubectl apply failed: {apply.Error.Trim()}");
                return ExitCodes.RunFailed;
            }

            output.WriteLine($"run {plan.RunId}: {plan.Agents} agents and a coordinator in namespace {plan.Namespace}; "
                + $"waiting for the coordinator (at most {plan.Timeout})");
            var (pod, code) = await WaitForCoordinatorAsync(plan, kubectl, output, error, pollInterval ?? TimeSpan.FromSeconds(5), ct)
                .ConfigureAwait(false);
            if (pod is null || code is null)
            {
                return ExitCodes.RunFailed;
            }

            output.WriteLine($"the coordinator exited {code}; copying the run folder to {plan.Out}");
            var copied = await CopyAsync(plan, kubectl, pod, error, ct).ConfigureAwait(false);
            if (copied)
            {
                var report = Path.Combine(plan.Out, "report.md");
                output.WriteLine(File.Exists(report) ? $"Report: {report}" : $"Run folder: {plan.Out} (it holds no report.md)");
            }

            return code.Value != ExitCodes.Ok || copied ? code.Value : ExitCodes.RunFailed;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            error.WriteLine($"run {plan.RunId}: stopped");
            return ExitCodes.Cancelled;
        }
        finally
        {
            if (applied)
            {
                await CleanUpAsync(plan, kubectl, output, error).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The coordinator's pod and its container's exit code, or nulls when it failed to run or timed out.</summary>
    private static async Task<(string? Pod, int? Code)> WaitForCoordinatorAsync(ClusterPlan plan, IKubectl kubectl, TextWriter output,
        TextWriter error, TimeSpan interval, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(plan.Timeout);
        string? said = null;
        try
        {
            while (true)
            {
                var selector = $"{plan.Selector},{ClusterManifests.ComponentLabel}=coordinator";
                var get = await kubectl.RunAsync(["get", "pods", "-n", plan.Namespace, "-l", selector, "-o", "json"], null, timeout.Token)
                    .ConfigureAwait(false);
                var state = get.ExitCode == 0 ? CoordinatorState.Read(get.Output) : null;
                if (state is { ExitCode: { } code })
                {
                    return (state.Pod, code);
                }

                if (state?.Waiting is { } reason && Stuck.Contains(reason, StringComparer.Ordinal))
                {
                    error.WriteLine($"the coordinator cannot start: {reason}: {state.Message}");
                    return (null, null);
                }

                if ((state is null && said is not null && said != NoPod) || state?.Phase == "Failed")
                {
                    // Deleted, evicted or its node lost before the container ended: the Job does not try again.
                    var what = state is null ? "is gone" : "failed: " + (state.Message ?? "no reason given");
                    error.WriteLine($"the coordinator's pod {what} before it finished");
                    return (null, null);
                }

                var now = state is null ? NoPod : state.Waiting ?? state.Phase;
                if (now != said)
                {
                    output.WriteLine($"coordinator: {now}");
                    said = now;
                }

                await Task.Delay(interval, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            error.WriteLine($"the coordinator did not finish within --timeout {plan.Timeout}");
            return (null, null);
        }
    }

    private static async Task<bool> CopyAsync(ClusterPlan plan, IKubectl kubectl, string pod, TextWriter error, CancellationToken ct)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(plan.Out)) is { } parent)
        {
            Directory.CreateDirectory(parent);
        }

        var copy = await kubectl.RunAsync(
            ["cp", "-n", plan.Namespace, "-c", ClusterManifests.KeeperContainer,
                $"{pod}:{ClusterPlan.ResultsFolder}/{plan.RunId}", plan.Out], null, ct).ConfigureAwait(false);
        if (copy.ExitCode != 0)
        {
            error.WriteLine($"kubectl cp failed: {copy.Error.Trim()}");
        }

        // The keeper ends on this marker, and with it the pod and the Job.
        await kubectl.RunAsync(
            ["exec", "-n", plan.Namespace, pod, "-c", ClusterManifests.KeeperContainer, "--",
                "touch", $"{ClusterPlan.ResultsFolder}/{ClusterPlan.CopiedMarker}"], null, ct).ConfigureAwait(false);
        return copy.ExitCode == 0;
    }

    private static async Task CleanUpAsync(ClusterPlan plan, IKubectl kubectl, TextWriter output, TextWriter error)
    {
        string[] delete = ["delete", "-n", plan.Namespace, "job,service,configmap,secret", "-l", plan.Selector, "--ignore-not-found"];
        if (!plan.Cleanup)
        {
            output.WriteLine($"kept the run's objects (--cleanup false); delete them with: kubectl {string.Join(' ', delete)}");
            return;
        }

        var result = await kubectl.RunAsync(delete, null, CancellationToken.None).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            error.WriteLine($"kubectl delete failed ({result.Error.Trim()}); delete them with: kubectl {string.Join(' ', delete)}");
        }
    }

    /// <summary>The coordinator pod's state, read from <c>kubectl get pods -o json</c>.</summary>
    private sealed record CoordinatorState(string Pod, string Phase, string? Waiting, string? Message, int? ExitCode)
    {
        public static CoordinatorState? Read(string json)
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("items", out var items) || items.GetArrayLength() == 0)
            {
                return null;
            }

            var pod = items[0];
            var name = pod.GetProperty("metadata").GetProperty("name").GetString() ?? "";
            var status = pod.TryGetProperty("status", out var s) ? s : default;
            var phase = status.ValueKind == JsonValueKind.Object && status.TryGetProperty("phase", out var p) ? p.GetString() ?? "" : "";
            var why = status.ValueKind == JsonValueKind.Object && status.TryGetProperty("reason", out var r0) ? r0.GetString() : null;
            if (status.ValueKind != JsonValueKind.Object || !status.TryGetProperty("containerStatuses", out var containers))
            {
                return new CoordinatorState(name, phase, null, why, null);
            }

            foreach (var c in containers.EnumerateArray())
            {
                if (c.GetProperty("name").GetString() != ClusterManifests.CoordinatorContainer || !c.TryGetProperty("state", out var state))
                {
                    continue;
                }

                if (state.TryGetProperty("terminated", out var ended))
                {
                    return new CoordinatorState(name, phase, null, null, ended.GetProperty("exitCode").GetInt32());
                }

                if (state.TryGetProperty("waiting", out var waiting))
                {
                    var reason = waiting.TryGetProperty("reason", out var r) ? r.GetString() : null;
                    var message = waiting.TryGetProperty("message", out var m) ? m.GetString() : null;
                    return new CoordinatorState(name, phase, reason, message, null);
                }
            }

            return new CoordinatorState(name, phase, null, why, null);
        }
    }
}
