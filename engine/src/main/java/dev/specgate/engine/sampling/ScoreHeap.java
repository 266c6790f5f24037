package dev.specgate.engine.sampling;

/**
 * Hands out token ids in descending score order (ties: lowest id first) without sorting the whole vocabulary.
 *
 * <p>Building the heap is O(n) and each {@link #pop()} is O(log n), so taking the top m of a 150k vocabulary costs
 * about 2n + m log n comparisons. Top-p uses it when it cannot know in advance how many ids the nucleus needs (see
 * {@link TopSelection} for the fixed-count case). Ids whose score is -infinity (masked tokens) are left out.
 */
final class ScoreHeap {

    private final double[] scores;
    /** Heap of token ids; {@code heap[0]} ranks first. */
    private final int[] heap;
    private int size;

    /**
     * @param scores  score per token id; read, never written, and must not change while the heap is in use
     * @param scratch reusable buffer of at least {@code scores.length} ints (its contents are overwritten)
     */
    ScoreHeap(double[] scores, int vocabSize, int[] scratch) {
        this.scores = scores;
        this.heap = scratch;
        for (int id = 0; id < vocabSize; id++) {
            if (scores[id] != Double.NEGATIVE_INFINITY) {
                heap[size++] = id;
            }
        }
        for (int parent = size / 2 - 1; parent >= 0; parent--) {
            siftDown(parent);
        }
    }

    int size() {
        return size;
    }

    /** Removes and returns the best-ranked id. */
    int pop() {
        if (size == 0) {
            throw new IllegalStateException("heap is empty");
        }
        int top = heap[0];
        heap[0] = heap[--size];
        if (size > 0) {
            siftDown(0);
        }
        return top;
    }

    private void siftDown(int position) {
        int moving = heap[position];
        while (true) {
            int child = 2 * position + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && ranksBefore(heap[child + 1], heap[child])) {
                child++;
            }
            if (!ranksBefore(heap[child], moving)) {
                break;
            }
            heap[position] = heap[child];
            position = child;
        }
        heap[position] = moving;
    }

    private boolean ranksBefore(int a, int b) {
        return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
    }
}
