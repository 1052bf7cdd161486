// The queue between two stages of a stream: bounded, with the stream's drop policy.
// Block: a full queue makes push() wait (files: nothing is lost). DropOldest: a full queue gives
// up its oldest item to make room (live: stay real time); the caller counts what was dropped.
// close() ends input (pop() drains what is left, then says so); abort() ends both sides at once.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

#include "nvcast/pipeline.h"

namespace nvcast::pipeline {

template <typename T>
class BoundedQueue {
public:
    explicit BoundedQueue(size_t capacity) : capacity_(capacity ? capacity : 1) {}

    struct PushResult {
        bool accepted = false;        // false: the queue was aborted and `item` is gone
        std::optional<T> dropped;     // DropOldest: the item that made room
    };

    PushResult push(T item, DropPolicy policy) {
        std::unique_lock lock(mutex_);
        PushResult r;
        if (policy == DropPolicy::Block) {
            not_full_.wait(lock, [&] { return items_.size() < capacity_ || aborted_; });
        } else if (items_.size() >= capacity_) {
            r.dropped = std::move(items_.front());
            items_.pop_front();
        }
        if (aborted_ || closed_) return r;
        items_.push_back(std::move(item));
        r.accepted = true;
        not_empty_.notify_one();
        return r;
    }

    // The oldest item; nullopt once the queue is closed and empty, or aborted.
    std::optional<T> pop() {
        std::unique_lock lock(mutex_);
        not_empty_.wait(lock, [&] { return !items_.empty() || closed_ || aborted_; });
        if (aborted_ || items_.empty()) return std::nullopt;
        T item = std::move(items_.front());
        items_.pop_front();
        not_full_.notify_one();
        return item;
    }

    // Takes the oldest item out without waiting (to free its buffer); nullopt when empty.
    std::optional<T> take_oldest() {
        std::lock_guard lock(mutex_);
        if (items_.empty()) return std::nullopt;
        T item = std::move(items_.front());
        items_.pop_front();
        not_full_.notify_one();
        return item;
    }

    void close() {
        std::lock_guard lock(mutex_);
        closed_ = true;
        not_empty_.notify_all();
        not_full_.notify_all();
    }

    // Ends both sides now; returns how many items were still queued (now dropped).
    size_t abort() {
        std::lock_guard lock(mutex_);
        aborted_ = true;
        const size_t left = items_.size();
        items_.clear();
        not_empty_.notify_all();
        not_full_.notify_all();
        return left;
    }

    size_t size() const {
        std::lock_guard lock(mutex_);
        return items_.size();
    }

private:
    const size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable not_empty_, not_full_;
    std::deque<T> items_;
    bool closed_ = false;
    bool aborted_ = false;
};

}  // namespace nvcast::pipeline
